package io.gyro.rating.tariff;

import io.gyro.rating.Fixtures;
import io.gyro.rating.catalogue.Catalogue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;


import static org.junit.jupiter.api.Assertions.assertEquals;

class TariffScheduleTest {

    private final Catalogue c = Fixtures.sample();

    private Tariff tariff(String id) {
        for (int i = 0; i < c.tariffCount(); i++) {
            if (c.tariff(i).id().equals(id)) {
                return c.tariff(i);
            }
        }
        throw new IllegalArgumentException(id);
    }

    @ParameterizedTest(name = "{0} at {1}: band {2}, next change {3}")
    @CsvSource({
            "voice-weekend, 2026-11-27T23:58, standard, 2026-11-28T00:00",
            "voice-weekend, 2026-11-28T10:00, weekend,  2026-11-30T00:00",
            "voice-weekend, 2026-11-29T23:59, weekend,  2026-11-30T00:00",
            "data-max-data, 2026-11-25T23:50, standard, 2026-11-26T00:00",
            "data-max-data, 2026-11-26T06:59, night,    2026-11-26T07:00",
            "data-max-data, 2026-11-29T23:00, standard, 2026-11-30T00:00",
            "data-max-data, 2026-11-30T00:00, night,    2026-11-30T07:00"
    })
    void bandsAndBoundariesInTheCatalogueZone(String tariffId, String local, String band, String nextChange) {
        Tariff t = tariff(tariffId);
        long now = Fixtures.at(local);
        long week = c.clock().weekMs(now);
        String actual = t.rate(t.rateIndexAt(week)).band();
        assertEquals(band, actual == null ? "standard" : actual);
        assertEquals(Fixtures.at(nextChange), now + t.msToNextChange(week));
    }

    @Test
    void singleRateTariffNeverChanges() {
        assertEquals(Long.MAX_VALUE, tariff("data-std").msToNextChange(0));
    }

    @ParameterizedTest(name = "{0} -> zone {1}")
    @CsvSource({
            "13800138000, 0",
            "1, 0",
            "125, 2",
            "12, 0",
            "+12590, 1",
            "008612590, 0",
            "00, 1",
            "0086, 0",
            "+8613800138000, 0",
            "+1 650 555 0100, 1",
            "abc, 9"
    })
    void longestPrefixOnTheTrie(String number, int zone) {
        PrefixTrie trie = new PrefixTrie();
        trie.put("1", 0);
        trie.put("0", 0);
        trie.put("00", 1);
        trie.put("0086", 0);
        trie.put("125", 2);
        trie.build();
        assertEquals(zone, trie.lookup(number, 9));
    }
}
