// Placeholder entry point so that the Silo project (an Exe referenced by tests/TestingHost) builds; the real host
// replaces this file.
return 0;
