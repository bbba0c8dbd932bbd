"""The offline storyteller, built in: `provider` writes each chapter from the content library;
`plot`, `prose`, `words`, `names` and `grammar` make its sentences, `play` plays a whole adventure
for reports, `reading_level` gives the younger band plainer text."""
