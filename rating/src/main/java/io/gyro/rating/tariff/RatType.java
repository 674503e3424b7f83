package io.gyro.rating.tariff;

import java.util.Locale;
import java.util.Map;

/**
 * Radio access technology, as a service match's {@code ratTypes} name it: the values of
 * RAT-Type (AVP 1032, 3GPP TS 29.212 §5.3.31). Gy requests usually carry the older
 * 3GPP-RAT-Type instead (AVP 21 in PS-Information, TS 29.061 §16.4.7.2, one octet: 1 UTRAN,
 * 6 EUTRAN, 10 NR ...); {@link #fromTs29061} maps it. Constants only; any thread.
 */
public final class RatType {

    /** The request carried no RAT type: only matches without {@code ratTypes} apply. */
    public static final int ABSENT = -1;
    public static final int WLAN = 0;
    public static final int VIRTUAL = 1;
    public static final int UTRAN = 1000;
    public static final int GERAN = 1001;
    public static final int GAN = 1002;
    public static final int HSPA_EVOLUTION = 1003;
    public static final int EUTRAN = 1004;
    public static final int EUTRAN_NB_IOT = 1005;
    public static final int NR = 1006;
    public static final int LTE_M = 1007;
    public static final int NR_U = 1008;

    /** Names the catalogue accepts (case-insensitive, '-' or '_'), as TS 29.212 spells them. */
    private static final Map<String, Integer> NAMES = Map.ofEntries(
            Map.entry("WLAN", WLAN), Map.entry("VIRTUAL", VIRTUAL), Map.entry("UTRAN", UTRAN),
            Map.entry("GERAN", GERAN), Map.entry("GAN", GAN), Map.entry("HSPA_EVOLUTION", HSPA_EVOLUTION),
            Map.entry("EUTRAN", EUTRAN), Map.entry("EUTRAN_NB_IOT", EUTRAN_NB_IOT), Map.entry("NR", NR),
            Map.entry("LTE_M", LTE_M), Map.entry("NR_U", NR_U));

    private RatType() {
    }

    /**
     * A RAT-Type from the catalogue: a name ({@code EUTRAN}, {@code NR}, {@code EUTRAN-NB-IoT})
     * or its number (0..9999). @return the value, or -2 when {@code text} is neither
     */
    public static int parse(String text) {
        String t = text.trim();
        if (t.matches("[0-9]{1,4}")) {
            return Integer.parseInt(t);
        }
        Integer v = NAMES.get(t.toUpperCase(Locale.ROOT).replace('-', '_'));
        return v == null ? -2 : v;
    }

    /** The names {@link #parse} knows, for error messages. */
    public static String names() {
        return "WLAN, VIRTUAL, UTRAN, GERAN, GAN, HSPA_EVOLUTION, EUTRAN, EUTRAN-NB-IoT, NR, LTE-M, NR-U";
    }

    /**
     * RAT-Type of a 3GPP-RAT-Type octet (TS 29.061 §16.4.7.2: 1 UTRAN, 2 GERAN, 3 WLAN, 4 GAN,
     * 5 HSPA Evolution, 6 EUTRAN, 7 Virtual, 8 EUTRAN-NB-IoT, 9 LTE-M, 10 NR), or {@link #ABSENT}.
     */
    public static int fromTs29061(int octet) {
        switch (octet) {
            case 1: return UTRAN;
            case 2: return GERAN;
            case 3: return WLAN;
            case 4: return GAN;
            case 5: return HSPA_EVOLUTION;
            case 6: return EUTRAN;
            case 7: return VIRTUAL;
            case 8: return EUTRAN_NB_IOT;
            case 9: return LTE_M;
            case 10: return NR;
            default: return ABSENT;
        }
    }
}
