def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
assert log.contains("Running the compatibility suite against the driver (driver name 'filesystem')")
assert log =~ /(?m)^\[INFO\] Tests run: [1-9]\d*, Failures: 0, Errors: 0, Skipped: \d+$/
def reports = new File(basedir, 'target/storagedriver-reports')
assert reports.listFiles().count { it.name.startsWith('TEST-') } > 1

// driver.log holds the whole log of both drivers: the one that checks the configuration and the
// one that the suite shares.
def driverLog = new File(reports, 'driver.log').readLines()
assert driverLog[0] == "# starting the driver (driver name 'filesystem') to check its configuration"
def suiteStart = driverLog.findIndexOf {
    it == '# starting the storage driver (name = "filesystem") from the configuration parameter' +
            ' storagedriver.name'
}
assert suiteStart > 0 : driverLog
def suiteStop = /# the storage driver \(name = "filesystem"\), pid \d+, stopped/
assert driverLog.count { it ==~ suiteStop } == 1 : driverLog
assert driverLog.count { it.startsWith('[stderr] ') } >= 2 : driverLog
