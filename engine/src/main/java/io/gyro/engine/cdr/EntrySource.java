package io.gyro.engine.cdr;

import java.io.Closeable;
import java.util.Iterator;

/**
 * Charging records in seq order, for start-up recovery and the audit: parsed from the JSON journal
 * ({@link Journal.Scanner}) or decoded from the write-ahead log ({@code io.gyro.engine.wal.WalEntries}). Close it when
 * done.
 */
public interface EntrySource extends Iterator<JournalEntry>, Closeable {
}
