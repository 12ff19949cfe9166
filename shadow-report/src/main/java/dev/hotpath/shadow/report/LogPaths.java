package dev.hotpath.shadow.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.hotpath.shadow.ShadowEvalException;
import dev.hotpath.shadow.log.ShadowLogReader;

/** Checks the log paths a report or an export was given, before reading. Stateless. */
final class LogPaths {
    private LogPaths() {
    }

    /**
     * @param logs log directories or files
     * @throws ShadowEvalException if a path does not exist or none holds a log file
     */
    static void requireLogFiles(List<Path> logs) {
        int files = 0;
        for (Path p : logs) {
            if (Files.isDirectory(p)) {
                files += ShadowLogReader.listLogFiles(p).size();
            } else if (Files.isRegularFile(p)) {
                files++;
            } else {
                throw new ShadowEvalException("shadow log path does not exist: " + p);
            }
        }
        if (files == 0) {
            throw new ShadowEvalException("no shadow log files (*.shdw, *.shdw.part) in " + logs);
        }
    }
}
