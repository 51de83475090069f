package io.storagedriver.internal.wire;

import java.util.Optional;

/** The versions this implementation speaks, and the rule that decides compatibility. */
public final class Versions {
    /** The version of the wire protocol described in PROTOCOL.md. */
    public static final String PROTOCOL = "1.0";

    /** The version of the storage API. */
    public static final String API = "1.0";

    private Versions() {}

    /**
     * Checks a driver's version against the host's. Returns empty when compatible, or the reason:
     * the major versions differ, or the driver's minor version is newer than the host's. An older
     * driver minor version is compatible.
     */
    public static Optional<String> incompatibility(String kind, String hostVersion,
            String driverVersion) {
        int[] host = parse(hostVersion);
        int[] driver = parse(driverVersion);
        if (driver == null) {
            return Optional.of(kind + " version \"" + driverVersion
                    + "\" of the driver is not of the form Major.Minor");
        }
        if (driver[0] > host[0]) {
            return Optional.of(kind + " version " + driverVersion + " of the driver is a newer "
                    + "major version than the client's " + hostVersion + "; upgrade the client "
                    + "to one that supports " + kind + " version " + driver[0] + ".x, or use a "
                    + "driver that implements " + host[0] + ".x");
        }
        if (driver[0] < host[0]) {
            return Optional.of(kind + " version " + driverVersion + " of the driver is an older "
                    + "major version than the client's " + hostVersion + "; upgrade the driver "
                    + "to one that implements " + kind + " version " + host[0] + ".x");
        }
        if (driver[1] > host[1]) {
            return Optional.of(kind + " version " + driverVersion + " of the driver is newer than "
                    + "the client's " + hostVersion + "; upgrade the client to one that "
                    + "supports " + kind + " version " + driverVersion
                    + ", or use an older driver");
        }
        return Optional.empty();
    }

    /** Parses "Major.Minor" into two numbers, or returns null when malformed. */
    static int[] parse(String version) {
        if (version == null) {
            return null;
        }
        int dot = version.indexOf('.');
        if (dot <= 0 || dot == version.length() - 1) {
            return null;
        }
        try {
            int major = Integer.parseInt(version.substring(0, dot));
            int minor = Integer.parseInt(version.substring(dot + 1));
            return major < 0 || minor < 0 ? null : new int[] {major, minor};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
