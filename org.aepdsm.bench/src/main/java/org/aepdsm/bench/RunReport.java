package org.aepdsm.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * What one benchmark run produced. Immutable.
 *
 * @param benchmark the original program's name
 * @param args      its command-line words
 * @param mode      the entry mode ({@code shadow-entry} or {@code direct-link})
 * @param ours      our measurement
 * @param peers     the peers' results (empty when peers were off)
 * @param json      the results file
 * @param png       the chart, or null when it could not be drawn
 * @param output    the lines the benchmark printed in the original's format
 */
public record RunReport(String benchmark, List<String> args, String mode, Measurement ours, List<PeerResult> peers,
        Path json, Path png, List<String> output) {
    public RunReport {
        args = List.copyOf(args);
        peers = List.copyOf(peers);
        output = List.copyOf(output);
    }
}
