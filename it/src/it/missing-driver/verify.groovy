def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains("Storage driver not found (driver name 'absent')")
assert log.contains('Searched, in order:')
assert log.contains(new File(basedir, 'drivers/registry-storagedriver-absent').path)
assert !log.contains('Tests run:')
