"""Playing an adventure: the pages, the WebSocket consumer, the chapter writer and what follows a chapter.

A choice arrives at `consumers`, `writing` records it and writes the due chapter, `reader`
says what a page shows, `extras` and `narration` add the picture, title and voice after it;
`groups` announces to every socket of the adventure. `views` and `pages` are the HTTP side.
"""
