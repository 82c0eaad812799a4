package io.sextant.planner;

import io.sextant.storage.Querier;

/** What a scan reads from during one execution: the tenant and the storage behind it. */
public interface ScanContext {
    String tenant();

    Querier querier();
}
