package io.storagedriver.internal.wire;

import java.util.Optional;

/** The operations of the wire protocol, by their {@code op} names. */
public enum Operation {
    GET_CONTENT("GetContent"),
    PUT_CONTENT("PutContent"),
    READER("Reader"),
    WRITE_STREAM("WriteStream"),
    STAT("Stat"),
    LIST("List"),
    MOVE("Move"),
    DELETE("Delete"),
    WRITER("Writer"),
    WALK("Walk"),
    REDIRECT_URL("RedirectURL");

    private final String wireName;

    Operation(String wireName) {
        this.wireName = wireName;
    }

    /** Returns the name used in the {@code op} field. */
    public String wireName() {
        return wireName;
    }

    /** Looks up an operation by its {@code op} name. */
    public static Optional<Operation> fromWireName(String name) {
        for (Operation operation : values()) {
            if (operation.wireName.equals(name)) {
                return Optional.of(operation);
            }
        }
        return Optional.empty();
    }
}
