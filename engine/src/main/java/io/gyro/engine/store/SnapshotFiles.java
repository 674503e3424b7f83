package io.gyro.engine.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The snapshot files of one kind in {@code <data>/snapshots} (sessions, accounts): named {@code <kind>-<seq, 20
 * digits>.snap}, so the name orders them. Shared by {@link SessionSnapshot} and {@link AccountSnapshot}.
 */
final class SnapshotFiles {
    private SnapshotFiles() {
    }

    /** The files of {@code dir} whose name matches {@code name} (group 1: the seq), newest (highest seq) first. */
    static List<Path> newestFirst(Path dir, Pattern name) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                if (name.matcher(p.getFileName().toString()).matches()) {
                    out.add(p);
                }
            });
        }
        out.sort((a, b) -> b.getFileName().toString().compareTo(a.getFileName().toString()));
        return out;
    }

    /** The seq in {@code file}'s name, -1 when it does not match. */
    /**
     * The seq of the newest ({@code newest}) or the oldest snapshot named {@code name} in {@code dir}, -1 when the
     * directory or such a snapshot does not exist.
     */
    static long seqAtEnd(Path dir, Pattern name, boolean newest) throws IOException {
        if (!java.nio.file.Files.isDirectory(dir)) {
            return -1;
        }
        List<Path> all = newestFirst(dir, name);
        return all.isEmpty() ? -1 : seqOf(all.get(newest ? 0 : all.size() - 1), name);
    }

    static long seqOf(Path file, Pattern name) {
        Matcher m = name.matcher(file.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Deletes all but the {@code keep} newest. */
    static void keepNewest(Path dir, Pattern name, int keep) throws IOException {
        List<Path> all = newestFirst(dir, name);
        for (int i = keep; i < all.size(); i++) {
            Files.deleteIfExists(all.get(i));
        }
    }

    /** Forces {@code dir}'s entries (a rename into it) to the device, where the file system can. */
    static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot force a directory; the rename is then as durable as they make it.
        }
    }
}
