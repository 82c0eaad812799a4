package io.sextant.storage.block;

import io.sextant.storage.ErrorCode;
import io.sextant.storage.Labels;
import io.sextant.storage.Matcher;
import io.sextant.storage.Samples;
import io.sextant.storage.SelectHints;
import io.sextant.storage.Series;
import io.sextant.storage.SeriesMerger;
import io.sextant.storage.SextantException;
import io.sextant.storage.io.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warm tier: every tenant's catalog and opened blocks below {@code <data>/blocks/}. Reads see one catalog
 * version for their whole duration; {@link #publish} swaps versions atomically (on disk and in memory), and a
 * replaced block's files are deleted once no read holds it.
 *
 * <p>Opening repairs what a crash can leave: {@code .tmp} files and directories, and block directories the
 * catalog does not list (written but never published), are deleted.
 */
public final class BlockStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BlockStore.class);
    static final String TMP_SUFFIX = ".tmp";

    private final Path root;
    private final Map<String, TenantBlocks> tenants = new ConcurrentHashMap<>();

    /** One tenant: its directory, the published catalog and the open blocks it lists (same order). */
    private static final class TenantBlocks {
        final Path dir;
        final Map<String, String> symbols = new ConcurrentHashMap<>();
        volatile BlockCatalog catalog;
        volatile List<Block> blocks;
        long nextId;

        TenantBlocks(Path dir, BlockCatalog catalog, List<Block> blocks) {
            this.dir = dir;
            this.catalog = catalog;
            this.blocks = blocks;
            this.nextId = catalog.nextId();
        }

        String intern(String s) {
            String e = symbols.putIfAbsent(s, s);
            return e == null ? s : e;
        }
    }

    private BlockStore(Path root) {
        this.root = root;
    }

    /** Opens (creating if needed) the warm tier in {@code root}, repairing what a crash left. */
    public static BlockStore open(Path root) {
        BlockStore store = new BlockStore(root);
        try {
            Files.createDirectories(root);
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
                for (Path dir : dirs) {
                    if (Files.isDirectory(dir)) {
                        store.openTenant(dir);
                    }
                }
            }
        } catch (IOException e) {
            throw new SextantException(
                    ErrorCode.EXTERNAL_FAILURE, "cannot open block store " + root + ": " + e.getMessage(), e);
        }
        return store;
    }

    private void openTenant(Path dir) throws IOException {
        var read = BlockCatalog.read(dir);
        String tenant = read.map(BlockCatalog::tenant)
                .orElse(decodeTenant(dir.getFileName().toString()));
        BlockCatalog catalog = read.orElse(BlockCatalog.empty(tenant));
        Set<String> listed = new HashSet<>();
        for (BlockMeta m : catalog.blocks()) {
            listed.add(m.id());
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path e : entries) {
                String name = e.getFileName().toString();
                if (name.equals(BlockCatalog.FILE)) {
                    continue;
                }
                if (name.endsWith(TMP_SUFFIX) || !listed.contains(name)) {
                    log.warn("tenant {}: deleting {} left by an unfinished write", tenant, e);
                    FileTrees.delete(e);
                }
            }
        }
        TenantBlocks tb = new TenantBlocks(dir, catalog, List.of());
        List<Block> blocks = new ArrayList<>();
        for (BlockMeta m : catalog.blocks()) {
            blocks.add(Block.open(dir.resolve(m.id()), m, tb::intern));
        }
        tb.blocks = List.copyOf(blocks);
        tenants.put(tenant, tb);
    }

    /** Tenants with a catalog, sorted. */
    public List<String> tenants() {
        return new ArrayList<>(new TreeSet<>(tenants.keySet()));
    }

    /** The tenant's published blocks, oldest first. */
    public List<BlockMeta> blocks(String tenant) {
        TenantBlocks tb = tenants.get(tenant);
        return tb == null ? List.of() : tb.catalog.blocks();
    }

    /** The tenant's directory, created if needed; blocks are written below it. */
    public Path tenantDir(String tenant) {
        return tenant(tenant).dir;
    }

    private TenantBlocks tenant(String tenant) {
        return tenants.computeIfAbsent(tenant, t -> {
            Path dir = root.resolve(encodeTenant(t));
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new SextantException(
                        ErrorCode.EXTERNAL_FAILURE, "cannot create " + dir + ": " + e.getMessage(), e);
            }
            return new TenantBlocks(dir, BlockCatalog.empty(t), List.of());
        });
    }

    /** A fresh block id for the tenant; ids are never reused within a catalog. */
    public synchronized String newBlockId(String tenant) {
        TenantBlocks tb = tenant(tenant);
        return String.format("b%08d", tb.nextId++);
    }

    /**
     * Publishes a catalog in which {@code added} (written with {@link BlockWriter}) are listed and {@code
     * removed} are not, in one durable step; then opens the added blocks for reads and releases the removed
     * ones. Callers serialise publishes of one tenant.
     */
    public void publish(String tenant, List<BlockMeta> added, Collection<String> removed) {
        TenantBlocks tb = tenant(tenant);
        List<Block> opened = new ArrayList<>();
        for (BlockMeta m : added) {
            opened.add(Block.open(tb.dir.resolve(m.id()), m, tb::intern));
        }
        List<BlockMeta> metas = new ArrayList<>();
        List<Block> blocks = new ArrayList<>();
        List<Block> dropped = new ArrayList<>();
        for (Block b : tb.blocks) {
            if (removed.contains(b.meta.id())) {
                dropped.add(b);
            } else {
                metas.add(b.meta);
                blocks.add(b);
            }
        }
        metas.addAll(added);
        blocks.addAll(opened);
        metas.sort((x, y) ->
                x.minTime() != y.minTime() ? Long.compare(x.minTime(), y.minTime()) : x.id().compareTo(y.id()));
        Map<String, Block> byId = new HashMap<>();
        for (Block b : blocks) {
            byId.put(b.meta.id(), b);
        }
        long nextId;
        synchronized (this) {
            nextId = tb.nextId;
        }
        BlockCatalog next = new BlockCatalog(BlockCatalog.FORMAT, tenant, nextId, metas);
        next.write(tb.dir);
        List<Block> ordered = new ArrayList<>(metas.size());
        for (BlockMeta m : metas) {
            ordered.add(byId.get(m.id()));
        }
        tb.catalog = next;
        tb.blocks = List.copyOf(ordered);
        for (Block b : dropped) {
            b.drop();
        }
    }

    /** Blocks of the tenant overlapping the range, each held for reading; release with {@link #release}. */
    private List<Block> acquire(String tenant, long mint, long maxt) {
        TenantBlocks tb = tenants.get(tenant);
        if (tb == null) {
            return List.of();
        }
        for (; ; ) {
            List<Block> snapshot = tb.blocks;
            List<Block> held = new ArrayList<>();
            boolean retry = false;
            for (Block b : snapshot) {
                if (!b.meta.overlaps(mint, maxt)) {
                    continue;
                }
                if (!b.acquire()) {
                    retry = true;
                    break;
                }
                held.add(b);
            }
            if (!retry) {
                return held;
            }
            held.forEach(Block::release);
        }
    }

    /** The listed blocks with these ids, in catalog order, each held; fails if one is no longer listed. */
    List<Block> hold(String tenant, Set<String> ids) {
        TenantBlocks tb = tenants.get(tenant);
        List<Block> held = new ArrayList<>();
        if (tb != null) {
            for (Block b : tb.blocks) {
                if (ids.contains(b.meta.id()) && b.acquire()) {
                    held.add(b);
                }
            }
        }
        if (held.size() != ids.size()) {
            release(held);
            throw new SextantException(
                    ErrorCode.INTERNAL, "tenant " + tenant + ": blocks " + ids + " are no longer all listed");
        }
        return held;
    }

    private static void release(List<Block> blocks) {
        blocks.forEach(Block::release);
    }

    /** As {@link io.sextant.storage.Querier#select}, over the tenant's blocks. */
    public List<Series> select(String tenant, List<Matcher> matchers, long mint, long maxt, SelectHints hints) {
        List<Block> blocks = acquire(tenant, mint, maxt);
        try {
            List<List<Series>> parts = new ArrayList<>(blocks.size());
            for (Block b : blocks) {
                RoaringBitmap refs = b.select(matchers, mint, maxt);
                if (hints.withSamples()) {
                    parts.add(b.read(refs, mint, maxt));
                } else {
                    List<Series> labelsOnly = new ArrayList<>(refs.getCardinality());
                    IntIterator it = refs.getIntIterator();
                    while (it.hasNext()) {
                        labelsOnly.add(new Series(b.labels(it.next()), Samples.EMPTY));
                    }
                    labelsOnly.sort(java.util.Comparator.comparing(Series::labels));
                    parts.add(labelsOnly);
                }
            }
            List<Series> out = SeriesMerger.merge(parts);
            if (hints.limit() > 0 && out.size() > hints.limit()) {
                return out.subList(0, hints.limit());
            }
            return out;
        } finally {
            release(blocks);
        }
    }

    /** Labels of the series selected by any of the matcher sets (all when empty) in the range. */
    public List<Labels> seriesLabels(String tenant, List<List<Matcher>> matcherSets, long mint, long maxt) {
        List<Block> blocks = acquire(tenant, mint, maxt);
        try {
            TreeSet<Labels> out = new TreeSet<>();
            for (Block b : blocks) {
                RoaringBitmap refs = new RoaringBitmap();
                if (matcherSets.isEmpty()) {
                    refs = b.select(List.of(), mint, maxt);
                }
                for (List<Matcher> set : matcherSets) {
                    refs.or(b.select(set, mint, maxt));
                }
                IntIterator it = refs.getIntIterator();
                while (it.hasNext()) {
                    out.add(b.labels(it.next()));
                }
            }
            return new ArrayList<>(out);
        } finally {
            release(blocks);
        }
    }

    /** Size figures for telemetry: blocks, bytes on disk, series and samples, all tenants. */
    /**
     * Streams every series of the blocks {@code ids} (merged as compaction merges them, earlier blocks winning on
     * equal timestamps) to {@code consumer}, one series in memory at a time, in {@link SeriesOrder}. What the cold
     * tier reads a settled window with.
     */
    public void scan(String tenant, Set<String> ids, java.util.function.Consumer<Series> consumer) {
        List<Block> held = hold(tenant, ids);
        List<Block.Cursor> cursors = new ArrayList<>();
        try {
            for (Block b : held) {
                cursors.add(b.cursor());
            }
            CursorMerge merge = new CursorMerge(cursors);
            while (merge.hasNext()) {
                consumer.accept(merge.next());
            }
        } finally {
            cursors.forEach(Block.Cursor::close);
            held.forEach(Block::release);
        }
    }

    public record Stats(long blocks, long bytes, long series, long samples, long memoryBytes) {}

    public Stats stats() {
        long blocks = 0;
        long bytes = 0;
        long series = 0;
        long samples = 0;
        long memory = 0;
        for (TenantBlocks tb : tenants.values()) {
            for (Block b : tb.blocks) {
                blocks++;
                bytes += b.meta.bytes();
                series += b.meta.series();
                samples += b.meta.samples();
                memory += b.sizeInBytes();
            }
        }
        return new Stats(blocks, bytes, series, samples, memory);
    }

    @Override
    public void close() {
        for (TenantBlocks tb : tenants.values()) {
            tb.blocks.forEach(Block::closeReaders);
        }
        tenants.clear();
    }

    /**
     * The directory name of a tenant: letters, digits, {@code _} and {@code -} as they are, every other byte
     * of its UTF-8 form as {@code %XX}, so any tenant id maps to one safe name ({@code .} and {@code ..}
     * included).
     */
    public static String encodeTenant(String tenant) {
        StringBuilder sb = new StringBuilder();
        for (byte b : tenant.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
                sb.append(c);
            } else {
                sb.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return sb.toString();
    }

    public static String decodeTenant(String name) {
        byte[] out = new byte[name.length()];
        int n = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '%' && i + 2 < name.length()) {
                out[n++] = (byte) Integer.parseInt(name.substring(i + 1, i + 3), 16);
                i += 2;
            } else {
                out[n++] = (byte) c;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }
}
