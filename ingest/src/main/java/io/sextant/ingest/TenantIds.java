package io.sextant.ingest;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.SextantException;

/**
 * Resolves the tenant of a request from {@code X-Scope-OrgID} (or {@code X-Tenant-ID}). Ids follow Mimir's
 * rules so they are safe as directory and file names: 1 to 150 characters from {@code [a-zA-Z0-9!-_.*'()]},
 * not {@code .} or {@code ..}. With authentication disabled and no header the tenant is {@code default}.
 */
public final class TenantIds {
    public static final String DEFAULT_TENANT = "default";
    public static final int MAX_LENGTH = 150;

    private TenantIds() {}

    /**
     * The tenant for a request with the given header values (either may be null).
     *
     * @throws SextantException {@link ErrorCode#BAD_TENANT} naming the header and the rule broken
     */
    public static String resolve(String scopeOrgId, String tenantIdHeader) {
        if (scopeOrgId != null && tenantIdHeader != null && !scopeOrgId.equals(tenantIdHeader)) {
            throw new SextantException(ErrorCode.BAD_TENANT, "X-Scope-OrgID and X-Tenant-ID name different tenants");
        }
        String header = scopeOrgId != null ? "X-Scope-OrgID" : "X-Tenant-ID";
        String id = scopeOrgId != null ? scopeOrgId : tenantIdHeader;
        if (id == null) {
            return DEFAULT_TENANT;
        }
        validate(header, id);
        return id;
    }

    public static void validate(String header, String id) {
        if (id.isEmpty()) {
            throw new SextantException(ErrorCode.BAD_TENANT, header + " is empty");
        }
        if (id.indexOf('|') >= 0) {
            throw new SextantException(
                    ErrorCode.BAD_TENANT, header + ": multiple tenants ('|') are not supported for writes");
        }
        if (id.length() > MAX_LENGTH) {
            throw new SextantException(ErrorCode.BAD_TENANT, header + " is longer than " + MAX_LENGTH + " characters");
        }
        if (id.equals(".") || id.equals("..")) {
            throw new SextantException(ErrorCode.BAD_TENANT, header + " must not be '.' or '..'");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "!-_.*'()".indexOf(c) >= 0;
            if (!ok) {
                throw new SextantException(
                        ErrorCode.BAD_TENANT,
                        header + " contains the unsupported character '" + c + "' at position " + i
                                + " (allowed: a-z A-Z 0-9 ! - _ . * ' ( ))");
            }
        }
    }
}
