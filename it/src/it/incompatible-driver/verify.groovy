def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log =~ (/The driver \(executable \S*registry-storagedriver-future\) is incompatible/
        + / with this plugin: client version 1\.0, driver version 2\.0/)
assert !log.contains('Tests run:')
