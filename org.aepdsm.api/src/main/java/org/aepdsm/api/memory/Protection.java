package org.aepdsm.api.memory;

/**
 * Access rights of a mapping. Immutable.
 */
public enum Protection {
    /** No access: any load or store faults. */
    NONE(false, false, false),
    /** Loads only. */
    READ(true, false, false),
    /** Loads and stores. */
    READ_WRITE(true, true, false),
    /** Loads and instruction fetch. */
    READ_EXEC(true, false, true),
    /** Everything. */
    READ_WRITE_EXEC(true, true, true);

    private final boolean read;
    private final boolean write;
    private final boolean exec;

    Protection(boolean read, boolean write, boolean exec) {
        this.read = read;
        this.write = write;
        this.exec = exec;
    }

    /** Whether loads are allowed. */
    public boolean canRead() {
        return read;
    }

    /** Whether stores are allowed. */
    public boolean canWrite() {
        return write;
    }

    /** Whether instruction fetch is allowed. */
    public boolean canExecute() {
        return exec;
    }

    /** The constant with exactly these rights; write or execute without read is widened to include read, as on x86. */
    public static Protection of(boolean read, boolean write, boolean exec) {
        if (!read && !write && !exec) {
            return NONE;
        }
        if (write) {
            return exec ? READ_WRITE_EXEC : READ_WRITE;
        }
        return exec ? READ_EXEC : READ;
    }
}
