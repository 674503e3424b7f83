package io.gyro.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.gyro.engine.wal.WalConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed while it held an account map's segment write lock: the next start recovers that map of the image
 * with Chronicle's recovery, and no account may be lost or changed by it (with entry checksums, which writes in place
 * do not keep, the recovery dropped every account rewritten in place).
 */
class AccountImageKillTest {
    private static final int ACCOUNTS = 3_000;

    @TempDir
    Path root;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aKillInsideAnAccountWriteLosesNoAccountOfTheImage() throws Exception {
        Path data = Files.createDirectories(root.resolve("data"));
        Path image = Files.createDirectories(root.resolve("shm"));
        Process child = start(data, image);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            String line = out.readLine();
            for (int i = 0; i < 1_000 && line != null && !line.equals("LOCKED"); i++) {
                line = out.readLine();   // the logger's own lines come first
            }
            assertEquals("LOCKED", line, "child: " + (Files.exists(root.resolve("child.err"))
                    ? Files.readString(root.resolve("child.err")) : ""));
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child killed");
        }

        Stores stores = Stores.open(data, new StoreConfig(20_000, 1_000), WalConfig.defaults(), image);
        try {
            assertTrue(stores.accountsInImage(), "the image is mapped again");
            assertEquals(1, stores.mapsRecovered(), "the map whose lock the dead process held is recovered");
            assertEquals(ACCOUNTS, stores.accounts().count(), "no account lost");
            Account a = new Account();
            for (long id = 1; id <= ACCOUNTS; id++) {
                assertTrue(stores.accounts().read(id, a), "account " + id);
                assertEquals(id * 1000 + 3, a.moneyMicros(), "account " + id + " as last written");
            }
        } finally {
            stores.close();
        }
    }

    private Process start(Path data, Path image) throws Exception {
        List<String> cmd = ChildJvm.command(ImageWriterChild.class, data.toString(), image.toString(),
                Integer.toString(ACCOUNTS), "3");
        return new ProcessBuilder(cmd).redirectError(root.resolve("child.err").toFile()).start();
    }
}
