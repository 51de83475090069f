def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log.contains('storagedriver.rootPrefix is "relative", which is not a valid storage path: the path must be absolute, starting with /.')
assert log.contains('Use an absolute path below the root, such as /ci')
assert !log.contains('Tests run:')
assert !log.contains('Failed to resolve parameter')
