package io.storagedriver;

/** Receives the entries of {@link StorageDriver#walk}. */
@FunctionalInterface
public interface WalkVisitor {

    /** What the walk does after an entry. */
    enum Decision {
        /** Go on, into the entry's contents if it is a directory. */
        CONTINUE,
        /** Leave out the contents of this directory; the same as {@code CONTINUE} for a file. */
        SKIP_CONTENTS
    }

    /** Receives one entry and returns whether to descend into it. */
    Decision visit(FileInfo entry);
}
