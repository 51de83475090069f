def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains('Skipping the storage driver compatibility suite because'
        + ' storagedriver.skip is true')
assert !log.contains('Tests run:')
assert !new File(basedir, 'target/storagedriver-reports').exists()
