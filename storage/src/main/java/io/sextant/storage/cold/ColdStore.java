package io.sextant.storage.cold;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sextant.storage.ErrorCode;
import io.sextant.storage.Labels;
import io.sextant.storage.Matcher;
import io.sextant.storage.Samples;
import io.sextant.storage.SextantException;
import io.sextant.storage.block.BlockMeta;
import io.sextant.storage.block.BlockStore;
import io.sextant.storage.block.Compactor;
import io.sextant.storage.object.ObjectInfo;
import io.sextant.storage.object.ObjectStore;
import io.sextant.storage.rollup.RollupSeries;
import io.sextant.storage.rollup.Rollups;
import io.sextant.storage.telemetry.Telemetry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cold tier: rollup blocks (FORMAT.md) in an object store, built from the warm tier's compacted windows.
 *
 * <p><b>Layout.</b> A tenant's blocks are objects {@code <tenant>/<resolution>/<id>/rollups.parquet}, listed by one
 * catalog object {@code <tenant>/catalog.json}. A put of one object is atomic in every store, so the catalog is
 * the commit point: blocks are uploaded first, then the catalog that lists them; objects no catalog lists are
 * orphans of a failed build, deleted by the next one.
 *
 * <p><b>What is built.</b> Every warm block that compaction has written (level ≥ 1) covers one aligned window; the
 * cold tier keeps one block per window and resolution, built from all warm blocks overlapping the window, and
 * rebuilds it when that set changes (late samples compacted in, or the window merged into a larger one, whose
 * block then replaces the smaller windows'). A window whose warm blocks retention has deleted keeps its rollups.
 */
public final class ColdStore implements RollupReader, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ColdStore.class);
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final int CATALOG_FORMAT = 1;
    /** Reads that restart because concurrent builds keep replacing blocks give up after this many tries. */
    private static final int MAX_READ_ATTEMPTS = 5;

    /** The catalog object of a tenant. */
    record Catalog(int format, String tenant, long nextId, List<ColdBlockMeta> blocks) {
        Catalog {
            requireNonNull(tenant, "tenant is null");
            blocks = List.copyOf(blocks);
        }
    }

    private final ObjectStore store;
    private final ColdOptions options;
    private final Map<String, Catalog> catalogs = new ConcurrentHashMap<>();
    /** Series tables of recently read blocks, by object key: what matching needs, a small part of a block. */
    private final Map<String, List<Labels>> seriesTables;

    private final Telemetry.Counter built;
    private final Telemetry.Counter failures;
    private final Telemetry.Counter uploadedBytes;
    private final Telemetry.Counter retentionDeleted;

    private ColdStore(ObjectStore store, ColdOptions options, Telemetry telemetry) {
        this.store = requireNonNull(store, "store is null");
        this.options = requireNonNull(options, "options is null");
        int capacity = options.cachedBlocks();
        this.seriesTables = java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<Labels>> eldest) {
                return size() > capacity;
            }
        });
        built = counter(telemetry, "sextant_cold_blocks_built_total", "Rollup blocks written to the object store.");
        failures = counter(
                telemetry, "sextant_cold_build_failures_total", "Cold tier builds that failed (retried later).");
        uploadedBytes = counter(telemetry, "sextant_cold_uploaded_bytes_total", "Bytes of rollup blocks uploaded.");
        retentionDeleted = counter(
                telemetry, "sextant_cold_retention_deleted_blocks_total", "Rollup blocks deleted by retention.");
    }

    private static Telemetry.Counter counter(Telemetry telemetry, String name, String help) {
        return telemetry.counter(name, help);
    }

    public static ColdStore open(ObjectStore store, ColdOptions options, Telemetry telemetry) {
        try {
            Files.createDirectories(options.scratchDir());
        } catch (IOException e) {
            throw new SextantException(
                    ErrorCode.EXTERNAL_FAILURE, "cannot create " + options.scratchDir() + ": " + e.getMessage(), e);
        }
        return new ColdStore(store, options, telemetry);
    }

    @Override
    public List<Long> resolutions() {
        return options.resolutions();
    }

    @Override
    public List<ColdBlockMeta> blocks(String tenant, long resolutionMs) {
        return catalog(tenant).blocks().stream()
                .filter(b -> b.resolutionMs() == resolutionMs)
                .sorted(Comparator.comparingLong(ColdBlockMeta::windowStart))
                .toList();
    }

    // ---------------------------------------------------------------- build

    /**
     * Builds or rebuilds the rollup blocks of the tenant's compacted windows whose warm blocks changed, and deletes
     * orphaned objects. Returns the blocks it wrote. A failing object store throws {@link
     * ErrorCode#EXTERNAL_FAILURE} with the catalog as it was; the next call tries again.
     */
    public synchronized List<ColdBlockMeta> build(String tenant, BlockStore warm) {
        List<BlockMeta> all = warm.blocks(tenant);
        Map<Long, Long> windows = new TreeMap<>();
        for (BlockMeta b : all) {
            if (b.level() >= 1 && BlockMeta.RAW.equals(b.resolution())) {
                long size = Compactor.WINDOWS[b.level() - 1];
                windows.merge(Math.floorDiv(b.minTime(), size) * size, size, Math::max);
            }
        }
        List<ColdBlockMeta> out = new ArrayList<>();
        long covered = Long.MIN_VALUE;
        for (Map.Entry<Long, Long> w : windows.entrySet()) {
            long start = w.getKey();
            long end = start + w.getValue();
            if (start < covered) {
                continue;
            }
            covered = end;
            List<String> sources = all.stream()
                    .filter(b -> b.overlaps(start, end - 1))
                    .map(BlockMeta::id)
                    .sorted()
                    .toList();
            if (upToDate(tenant, start, end, sources)) {
                continue;
            }
            try {
                out.addAll(buildWindow(tenant, warm, start, end, sources));
            } catch (SextantException e) {
                failures.inc();
                throw e;
            }
        }
        deleteOrphans(tenant);
        return out;
    }

    private boolean upToDate(String tenant, long start, long end, List<String> sources) {
        for (long r : options.resolutions()) {
            boolean found = catalog(tenant).blocks().stream()
                    .anyMatch(b -> b.resolutionMs() == r
                            && b.windowStart() == start
                            && b.windowEnd() == end
                            && b.sources().equals(sources));
            if (!found) {
                return false;
            }
        }
        return true;
    }

    private List<ColdBlockMeta> buildWindow(
            String tenant, BlockStore warm, long start, long end, List<String> sources) {
        long began = System.nanoTime();
        List<Long> resolutions = options.resolutions();
        Catalog before = catalog(tenant);
        long id = before.nextId();
        List<Path> files = new ArrayList<>();
        List<ColdBlockFile.Writer> writers = new ArrayList<>();
        List<ColdBlockMeta> metas = new ArrayList<>();
        try {
            for (long r : resolutions) {
                Path f = Files.createTempFile(options.scratchDir(), "rollup-", ".parquet");
                files.add(f);
                writers.add(new ColdBlockFile.Writer(f));
            }
            warm.scan(tenant, new HashSet<>(sources), s -> {
                Samples in = clip(s.samples(), start, end);
                RollupSeries fine = Rollups.build(in, resolutions.get(0));
                if (fine.size() == 0) {
                    return;
                }
                writers.get(0).add(new LabeledRollup(s.labels(), fine));
                for (int i = 1; i < resolutions.size(); i++) {
                    writers.get(i).add(new LabeledRollup(s.labels(), Rollups.coarsen(fine, resolutions.get(i))));
                }
            });
            String blockId = String.format(java.util.Locale.ROOT, "%012d", id);
            for (int i = 0; i < resolutions.size(); i++) {
                ColdBlockFile.Written written = writers.get(i).finish();
                long r = resolutions.get(i);
                store.put(key(tenant, r, blockId), files.get(i));
                uploadedBytes.add(written.bytes());
                metas.add(new ColdBlockMeta(
                        blockId, r, start, end, written.series(), written.buckets(), written.bytes(), sources));
            }
        } catch (IOException e) {
            throw new SextantException(ErrorCode.INTERNAL, "cannot write rollups: " + e.getMessage(), e);
        } finally {
            writers.forEach(ColdBlockFile.Writer::close);
            files.forEach(ColdStore::deleteQuietly);
        }
        List<ColdBlockMeta> kept = new ArrayList<>();
        List<ColdBlockMeta> replaced = new ArrayList<>();
        for (ColdBlockMeta b : before.blocks()) {
            (b.windowStart() >= start && b.windowEnd() <= end ? replaced : kept).add(b);
        }
        kept.addAll(metas);
        publish(new Catalog(CATALOG_FORMAT, tenant, id + 1, kept));
        for (ColdBlockMeta b : replaced) {
            deleteBlock(tenant, b);
        }
        built.add(metas.size());
        log.info(
                "tenant {}: rolled up window {} .. {} from {} warm block(s) into {} rollup block(s), {} bytes, in {} ms",
                tenant,
                java.time.Instant.ofEpochMilli(start),
                java.time.Instant.ofEpochMilli(end),
                sources.size(),
                metas.size(),
                metas.stream().mapToLong(ColdBlockMeta::bytes).sum(),
                (System.nanoTime() - began) / 1_000_000);
        return metas;
    }

    /** The samples of {@code s} in {@code [start, end)}. */
    private static Samples clip(Samples s, long start, long end) {
        long[] t = s.timestamps();
        int from = 0;
        while (from < s.count() && t[from] < start) {
            from++;
        }
        int to = from;
        while (to < s.count() && t[to] < end) {
            to++;
        }
        if (from == 0 && to == s.count()) {
            return s;
        }
        return new Samples(Arrays.copyOfRange(t, from, to), Arrays.copyOfRange(s.values(), from, to), to - from);
    }

    private static String key(String tenant, long resolutionMs, String blockId) {
        return prefix(tenant) + resolution(resolutionMs) + "/" + blockId + "/" + ColdFormat.FILE;
    }

    private static String prefix(String tenant) {
        return BlockStore.encodeTenant(tenant) + "/";
    }

    private static String resolution(long ms) {
        return ms % 3_600_000 == 0 ? ms / 3_600_000 + "h" : ms % 60_000 == 0 ? ms / 60_000 + "m" : ms + "ms";
    }

    private void deleteBlock(String tenant, ColdBlockMeta b) {
        String key = key(tenant, b.resolutionMs(), b.id());
        seriesTables.remove(key);
        try {
            store.delete(key);
        } catch (SextantException e) {
            log.warn(
                    "tenant {}: cannot delete replaced rollup block {} (an orphan now): {}",
                    tenant,
                    key,
                    e.getMessage());
        }
    }

    /** Deletes block objects the catalog does not list: uploads of builds that failed before publishing. */
    private void deleteOrphans(String tenant) {
        Set<String> listed = new HashSet<>();
        for (ColdBlockMeta b : catalog(tenant).blocks()) {
            listed.add(key(tenant, b.resolutionMs(), b.id()));
        }
        String catalogKey = prefix(tenant) + ColdFormat.CATALOG;
        for (ObjectInfo o : store.list(prefix(tenant))) {
            if (!o.key().equals(catalogKey) && !listed.contains(o.key())) {
                log.info("tenant {}: deleting orphaned rollup object {}", tenant, o.key());
                store.delete(o.key());
            }
        }
    }

    // ---------------------------------------------------------------- catalog

    private Catalog catalog(String tenant) {
        Catalog c = catalogs.get(tenant);
        if (c != null) {
            return c;
        }
        Optional<byte[]> bytes = store.get(prefix(tenant) + ColdFormat.CATALOG);
        try {
            c = bytes.isEmpty()
                    ? new Catalog(CATALOG_FORMAT, tenant, 1, List.of())
                    : JSON.readValue(bytes.get(), Catalog.class);
        } catch (IOException e) {
            throw new SextantException(
                    ErrorCode.INTERNAL,
                    "cannot read the rollup catalog of tenant " + tenant + ": " + e.getMessage(),
                    e);
        }
        if (c.format() != CATALOG_FORMAT) {
            throw new SextantException(ErrorCode.INTERNAL, "unknown rollup catalog format " + c.format());
        }
        catalogs.put(tenant, c);
        return c;
    }

    private void publish(Catalog c) {
        try {
            store.put(
                    prefix(c.tenant()) + ColdFormat.CATALOG,
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(c));
        } catch (IOException e) {
            throw new SextantException(ErrorCode.INTERNAL, "cannot encode the rollup catalog: " + e.getMessage(), e);
        }
        catalogs.put(c.tenant(), c);
    }

    /** The tenants whose catalogs this store has seen, and those listed in the object store. */
    public List<String> tenants() {
        Set<String> out = new java.util.TreeSet<>(catalogs.keySet());
        for (ObjectInfo o : store.list("")) {
            if (o.key().endsWith("/" + ColdFormat.CATALOG)
                    && o.key().indexOf('/') == o.key().lastIndexOf('/')) {
                out.add(BlockStore.decodeTenant(o.key().substring(0, o.key().indexOf('/'))));
            }
        }
        return List.copyOf(out);
    }

    // ---------------------------------------------------------------- retention

    /**
     * Deletes the tenant's blocks at {@code resolutionMs} whose whole window is older than {@code minValidTime}:
     * first from the catalog, then their objects. Returns them.
     */
    public synchronized List<ColdBlockMeta> enforceRetention(String tenant, long resolutionMs, long minValidTime) {
        Catalog c = catalog(tenant);
        List<ColdBlockMeta> expired = new ArrayList<>();
        List<ColdBlockMeta> kept = new ArrayList<>();
        for (ColdBlockMeta b : c.blocks()) {
            (b.resolutionMs() == resolutionMs && b.windowEnd() <= minValidTime ? expired : kept).add(b);
        }
        if (expired.isEmpty()) {
            return List.of();
        }
        publish(new Catalog(CATALOG_FORMAT, tenant, c.nextId(), kept));
        expired.forEach(b -> deleteBlock(tenant, b));
        retentionDeleted.add(expired.size());
        log.info(
                "tenant {}: retention deleted {} rollup block(s) at {} older than {}",
                tenant,
                expired.size(),
                resolution(resolutionMs),
                java.time.Instant.ofEpochMilli(minValidTime));
        return expired;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public List<LabeledRollup> select(String tenant, List<Matcher> matchers, long from, long to, long resolutionMs) {
        for (int attempt = 1; ; attempt++) {
            List<ColdBlockMeta> blocks = blocks(tenant, resolutionMs);
            Optional<List<LabeledRollup>> out = select(tenant, blocks, matchers, from, to);
            if (out.isPresent()) {
                return out.get();
            }
            // A build or retention replaced a block between listing and reading it: read the new catalog's blocks.
            if (blocks.equals(blocks(tenant, resolutionMs)) || attempt == MAX_READ_ATTEMPTS) {
                throw new SextantException(
                        ErrorCode.INTERNAL, "a rollup block of tenant " + tenant + " is listed but missing");
            }
        }
    }

    /** The rollups from {@code blocks}, or empty if one of them is gone. */
    private Optional<List<LabeledRollup>> select(
            String tenant, List<ColdBlockMeta> blocks, List<Matcher> matchers, long from, long to) {
        Map<Labels, List<RollupSeries>> bySeries = new TreeMap<>();
        for (ColdBlockMeta b : blocks) {
            if (b.windowStart() > to || b.windowEnd() <= from) {
                continue;
            }
            Optional<List<LabeledRollup>> rollups = read(tenant, b, matchers);
            if (rollups.isEmpty()) {
                return Optional.empty();
            }
            for (LabeledRollup r : rollups.get()) {
                bySeries.computeIfAbsent(r.labels(), l -> new ArrayList<>(2)).add(r.rollup());
            }
        }
        List<LabeledRollup> out = new ArrayList<>(bySeries.size());
        bySeries.forEach((labels, parts) -> out.add(new LabeledRollup(labels, Rollups.concat(parts))));
        return Optional.of(out);
    }

    private static boolean matches(Labels labels, List<Matcher> matchers) {
        for (Matcher m : matchers) {
            if (!m.matches(labels.get(m.name()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The rollups of block {@code b}'s series that match. The block's series table comes from the cache when it
     * can, so a query that matches none of a block's series neither downloads nor decodes it; otherwise only the
     * matching series' buckets are decoded.
     */
    private Optional<List<LabeledRollup>> read(String tenant, ColdBlockMeta b, List<Matcher> matchers) {
        String key = key(tenant, b.resolutionMs(), b.id());
        Path file = null;
        try {
            List<Labels> table = seriesTables.get(key);
            if (table == null) {
                file = download(key);
                if (file == null) {
                    return Optional.empty();
                }
                table = ColdBlockFile.readLabels(file);
                seriesTables.put(key, table);
            }
            BitSet rows = new BitSet(table.size());
            for (int i = 0; i < table.size(); i++) {
                if (matches(table.get(i), matchers)) {
                    rows.set(i);
                }
            }
            if (rows.isEmpty()) {
                return Optional.of(List.of());
            }
            if (file == null) {
                file = download(key);
                if (file == null) {
                    return Optional.empty();
                }
            }
            return Optional.of(ColdBlockFile.read(file, b.resolutionMs(), table, rows));
        } finally {
            if (file != null) {
                deleteQuietly(file);
            }
        }
    }

    /** A local copy of object {@code key}, or null if there is no such object. */
    private Path download(String key) {
        Path file = null;
        try {
            file = Files.createTempFile(options.scratchDir(), "read-", ".parquet");
            if (!store.download(key, file)) {
                deleteQuietly(file);
                return null;
            }
            return file;
        } catch (IOException e) {
            throw new SextantException(
                    ErrorCode.INTERNAL, "cannot read rollup block " + key + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (file != null) {
                deleteQuietly(file);
            }
            throw e;
        }
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", f, e.getMessage());
        }
    }

    @Override
    public void close() {
        seriesTables.clear();
    }
}
