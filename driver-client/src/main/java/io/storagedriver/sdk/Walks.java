package io.storagedriver.sdk;

import io.storagedriver.FileInfo;
import io.storagedriver.PathNotFoundException;
import io.storagedriver.StorageDriver;
import io.storagedriver.StoragePaths;
import io.storagedriver.WalkVisitor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** Implementations of {@link StorageDriver#walk} in terms of other operations. */
public final class Walks {
    /** Orders names by their UTF-8 bytes, compared unsigned, as the walk order requires. */
    static final Comparator<String> BYTE_ORDER = (left, right) -> Arrays.compareUnsigned(
            left.getBytes(StandardCharsets.UTF_8), right.getBytes(StandardCharsets.UTF_8));

    private Walks() {}

    /**
     * Walks the tree below {@code path} with {@link StorageDriver#list} and {@link
     * StorageDriver#stat}: depth-first, a directory before its contents, siblings in the byte
     * order of their names. A directory for which the visitor returns {@link
     * WalkVisitor.Decision#SKIP_CONTENTS} is not listed.
     *
     * <p>An entry that disappears between the listing of its directory and its own {@code stat}
     * is left out, and so is a directory that disappears before it is listed, because a walk
     * over a changing tree cannot be a snapshot anyway.
     *
     * @throws PathNotFoundException when {@code path} is missing or names a file
     */
    public static void walkWithListAndStat(StorageDriver driver, String path, WalkVisitor visitor) {
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(visitor, "visitor");
        StoragePaths.requireValid(driver.name(), path);
        walkChildren(driver, path, driver.list(path), visitor);
    }

    private static void walkChildren(
            StorageDriver driver, String directory, List<String> children, WalkVisitor visitor) {
        List<String> names = new ArrayList<>(children.size());
        for (String child : children) {
            names.add(StoragePaths.fileName(child));
        }
        names.sort(BYTE_ORDER);
        for (String name : names) {
            String child = StoragePaths.child(directory, name);
            FileInfo info;
            try {
                info = driver.stat(child);
            } catch (PathNotFoundException e) {
                continue;
            }
            WalkVisitor.Decision decision = visitor.visit(info);
            if (info.isDirectory() && decision != WalkVisitor.Decision.SKIP_CONTENTS) {
                List<String> grandchildren;
                try {
                    grandchildren = driver.list(child);
                } catch (PathNotFoundException e) {
                    continue;
                }
                walkChildren(driver, child, grandchildren, visitor);
            }
        }
    }
}
