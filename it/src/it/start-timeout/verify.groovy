def log = new File(basedir, 'build.log').text
assert log.contains('BUILD FAILURE')
assert log =~ /The driver \(executable \S*registry-storagedriver-hanging\) failed to start/
assert log.contains('did not finish its handshake within 2000 ms')
assert log.contains("The start timeout is 2 seconds; raise it with the goal's startTimeout"
        + ' parameter (property storagedriver.startTimeout).')
assert !log.contains('Tests run:')

// driver.log holds what the driver wrote before it was stopped.
def driverLog = new File(basedir, 'target/storagedriver-reports/driver.log').text
assert driverLog.contains('[stderr] hanging driver started')
