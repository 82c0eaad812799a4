package io.sextant.server.config;

/** A flag, a config key or a value is wrong; the message names it and says why. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
