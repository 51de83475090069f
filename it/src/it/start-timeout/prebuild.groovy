// Copying the project may drop the execute bit of the launcher.
assert new File(basedir, 'registry-storagedriver-hanging').setExecutable(true)
