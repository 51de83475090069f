package io.storagedriver;

import java.util.List;

/** No executable was found for a driver name; {@link #searched()} lists where the client looked. */
public class DriverNotFoundException extends DriverStartException {
    private final List<String> searched;

    public DriverNotFoundException(String driverName, List<String> searched, String message) {
        super(driverName, message, List.of(), null);
        this.searched = List.copyOf(searched);
    }

    /** Returns the places searched, in order. */
    public List<String> searched() {
        return searched;
    }
}
