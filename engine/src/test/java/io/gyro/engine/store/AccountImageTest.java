package io.gyro.engine.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The accounts' image in a memory file system (AccountImage): used by the start after a kill, and only then. */
class AccountImageTest {
    private static final StoreConfig CONFIG = new StoreConfig(20_000, 1_000);

    @TempDir
    Path root;

    private Path data(String name) throws IOException {
        return Files.createDirectories(root.resolve(name));
    }

    private Path imageRoot() throws IOException {
        return Files.createDirectories(root.resolve("shm"));
    }

    private static void write(Stores stores, long id, long money, long reserved) {
        Account a = new Account();
        if (!stores.accounts().read(id, a)) {
            a.clear(id);
        }
        stores.accounts().write(a.moneyMicros(money).reservedMicros(reserved));
    }

    private static long money(Stores stores, long id) {
        Account a = new Account();
        assertTrue(stores.accounts().read(id, a), "account " + id + " exists");
        return a.moneyMicros();
    }

    private List<Path> images() throws IOException {
        try (Stream<Path> s = Files.list(imageRoot())) {
            return s.toList();
        }
    }

    private static void deleteSnapshots(Path data) throws IOException {
        AccountImage.deleteTree(data.resolve(SessionSnapshot.DIR_NAME));
    }

    @Test
    void startAfterAKillMapsTheImageAgainWithItsAppliedSeqAndTheAccountsHoldingReservations() throws Exception {
        Path data = data("data");
        Stores first = Stores.open(data, CONFIG, 2, imageRoot());
        first.recoveryFinished();            // as the engine's start does once its recovery is through
        assertTrue(first.accountsInImage());
        assertEquals(1, images().size(), "one image made");
        write(first, 1, 100, 0);
        write(first, 2, 200, 7);
        write(first, 3, 300, 0);
        first.appliedSeqSink().accept(41);
        write(first, 1, 90, 0);            // after the last batch end: in the maps, beyond the applied seq
        first.closeAsIfKilled();
        // Nothing of the disk's snapshots is read: the accounts can only come from the image.
        deleteSnapshots(data);

        Stores second = Stores.open(data, CONFIG, 2, imageRoot());
        try {
            assertTrue(second.recovered(), "a kill is an unclean stop");
            assertTrue(second.accountsInImage());
            assertEquals(41, second.accountSnapshotSeq(), "the roll-forward starts after the applied seq");
            assertEquals(90, money(second, 1));
            assertEquals(200, money(second, 2));
            assertEquals(300, money(second, 3));
            long[] recent = second.accountsHoldingReservationsAtLoad().clone();
            java.util.Arrays.sort(recent);
            assertArrayEquals(new long[] {1, 2, 3}, recent,
                    "the accounts written last are rechecked against the sessions (with those the sessions name)");
        } finally {
            second.close();
        }
        assertEquals(List.of(), images(), "a clean stop deletes the image");
        assertFalse(Files.exists(data.resolve(AccountImage.POINTER_FILE)), "and its pointer");

        Stores third = Stores.open(data, CONFIG, 2, imageRoot());
        try {
            assertEquals(90, money(third, 1), "after a clean stop the accounts come from the stop's snapshot");
            assertTrue(third.accountsInImage(), "loaded into a new image");
        } finally {
            third.close();
        }
    }

    @Test
    void anImageIsNotUsedAfterACleanStop() throws Exception {
        Path data = data("data");
        Stores first = Stores.open(data, CONFIG, 1, imageRoot());
        write(first, 5, 500, 0);
        first.appliedSeqSink().accept(3);
        first.closeAsIfKilled();
        Path image = images().get(0);
        Path kept = root.resolve("kept");
        copyTree(image, kept);
        Path pointer = data.resolve(AccountImage.POINTER_FILE);
        byte[] pointerBytes = Files.readAllBytes(pointer);

        Stores second = Stores.open(data, CONFIG, 1, imageRoot());
        write(second, 5, 400, 0);
        second.close();                      // its snapshot holds 400; the image is deleted
        // An image left beside a clean stop (a stop cut between the marker and the deletion cannot make one, but a
        // directory restored from a backup can): the snapshot holds the accounts as they are, the image may not.
        copyTree(kept, image);
        Files.write(pointer, pointerBytes);

        Stores third = Stores.open(data, CONFIG, 1, imageRoot());
        try {
            assertEquals(400, money(third, 5), "the clean stop's snapshot, not the older image");
            assertFalse(Files.exists(image), "the stale image is deleted");
        } finally {
            third.close();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path f : s.toList()) {
                Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @Test
    void anImageWhoseLoadWasCutShortIsDeletedAndTheSnapshotLoaded() throws Exception {
        Path data = data("data");
        Stores first = Stores.open(data, CONFIG, 1, imageRoot());
        write(first, 5, 500, 0);
        first.close();                       // a snapshot holding account 5
        Stores second = Stores.open(data, CONFIG, 1, imageRoot());
        second.closeAsIfKilled();
        Path image = images().get(0);
        setState(image, 1);                  // as if killed while the snapshot was being loaded into it

        Stores third = Stores.open(data, CONFIG, 1, imageRoot());
        try {
            assertEquals(500, money(third, 5), "from the snapshot");
            assertFalse(Files.exists(image), "the half-loaded image is deleted");
            assertEquals(1, images().size(), "a new one made in its place");
        } finally {
            third.close();
        }
    }

    @Test
    void anImageMadeForAnotherDataDirectoryIsNeitherUsedNorDeleted() throws Exception {
        Path one = data("one");
        Stores first = Stores.open(one, CONFIG, 1, imageRoot());
        write(first, 5, 500, 0);
        first.closeAsIfKilled();
        Path image = images().get(0);

        Path two = data("two");
        Stores fresh = Stores.open(two, CONFIG, 1);
        write(fresh, 5, 1, 0);
        fresh.close();
        Files.delete(two.resolve(Stores.CLEAN_SHUTDOWN_MARKER));   // then killed in a later run
        // A pointer copied along with a directory: it names the other directory's image.
        Files.copy(one.resolve(AccountImage.POINTER_FILE), two.resolve(AccountImage.POINTER_FILE));

        Stores second = Stores.open(two, CONFIG, 1, imageRoot());
        try {
            assertEquals(1, money(second, 5), "its own accounts, not the other directory's");
            assertTrue(Files.exists(image), "the other directory's image is kept for it");
        } finally {
            second.close();
        }
        Stores again = Stores.open(one, CONFIG, 1, imageRoot());
        try {
            assertEquals(500, money(again, 5), "the first directory still finds its image");
        } finally {
            again.close();
        }
    }

    @Test
    void imagesNoDataDirectoryNamesAreDeletedByTheNextStartThatMakesOne() throws Exception {
        Path gone = data("gone");
        Stores first = Stores.open(gone, CONFIG, 1, imageRoot());
        first.closeAsIfKilled();
        Path orphan = images().get(0);
        AccountImage.deleteTree(gone);       // the data directory deleted after a kill

        Path other = data("other");
        Stores second = Stores.open(other, CONFIG, 1, imageRoot());
        try {
            assertFalse(Files.exists(orphan), "the orphan is deleted");
            assertEquals(1, images().size());
            assertEquals(Files.readString(other.resolve(AccountImage.POINTER_FILE), StandardCharsets.UTF_8).trim(),
                    images().get(0).toString());
        } finally {
            second.close();
        }
    }

    /**
     * An image is held from its open until start-up recovery finishes: a start that dies before (or an offline writer
     * that never recovers) leaves the next start to check every account's reservations, not only the ring's.
     */
    @Test
    void aStartThatDiesBeforeItsRecoveryFinishedLeavesEveryAccountToBeChecked() throws Exception {
        Path data = data("data");
        Stores first = Stores.open(data, CONFIG, 1, imageRoot());
        write(first, 1, 100, 400);
        first.closeAsIfKilled();             // no recoveryFinished: killed during its start
        Stores second = Stores.open(data, CONFIG, 1, imageRoot());
        assertEquals(null, second.accountsHoldingReservationsAtLoad(), "every account");
        second.recoveryFinished();
        write(second, 2, 200, 0);
        second.closeAsIfKilled();
        Stores third = Stores.open(data, CONFIG, 1, imageRoot());
        try {
            assertArrayEquals(new long[] {2}, third.accountsHoldingReservationsAtLoad(), "after a finished recovery, the ring");
        } finally {
            third.close();
        }
    }

    @Test
    void anImageOfAnotherBootIsNotUsed() throws Exception {
        Path data = data("data");
        Stores first = Stores.open(data, CONFIG, 1, imageRoot());
        write(first, 5, 500, 0);
        first.close();                       // snapshot: 500
        Stores second = Stores.open(data, CONFIG, 1, imageRoot());
        write(second, 5, 400, 0);
        second.closeAsIfKilled();            // the image has 400, the snapshot 500
        Path image = images().get(0);
        try (FileChannel ch = FileChannel.open(image.resolve(AccountImage.HEAD_FILE), StandardOpenOption.WRITE)) {
            byte[] other = "00000000-0000-0000-0000-000000000000".getBytes(StandardCharsets.US_ASCII);
            ByteBuffer b = ByteBuffer.allocate(4 + other.length).order(ByteOrder.LITTLE_ENDIAN).putInt(other.length).put(other);
            ch.write(b.flip(), 3072);        // as if the machine had started again since (a disk image directory)
        }
        Stores third = Stores.open(data, CONFIG, 1, imageRoot());
        try {
            assertEquals(500, money(third, 5), "the snapshot, not the image of another boot");
            assertFalse(Files.exists(image), "that image is deleted");
        } finally {
            third.close();
        }
    }

    @Test
    void anImageDirectoryThatCannotBeOneKeepsTheAccountsInTheProcess() throws Exception {
        Path notADirectory = Files.writeString(root.resolve("a-file"), "x");
        Stores stores = Stores.open(data("data"), CONFIG, 1, notADirectory);
        try {
            assertFalse(stores.accountsInImage());
            write(stores, 1, 1, 0);
            assertEquals(1, money(stores, 1));
        } finally {
            stores.close();
        }
    }

    private static void setState(Path image, int state) throws IOException {
        try (FileChannel ch = FileChannel.open(image.resolve(AccountImage.HEAD_FILE), StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, state);
            ch.write(b, 12);
        }
    }
}
