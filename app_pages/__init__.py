"""The app's pages: widgets, layout, URL state and messages; logic lives in mapapp."""
