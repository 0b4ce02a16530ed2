"""Anonymous enquiry statistics: recording, small-cell suppression, exports and charts."""
