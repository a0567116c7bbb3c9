package io.mapleak.detect;

import com.carrotsearch.hppc.IntObjectHashMap;
import io.mapleak.graph.StrongPaths;
import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.Instance;
import io.mapleak.maps.MapView;
import java.util.List;

/**
 * The Spring singletons in the dump, by object: what each application context's bean factory keeps in its
 * {@code DefaultSingletonBeanRegistry.singletonObjects} (bean name to bean). A map that is a field of a bean lives
 * as long as its context, whatever path the search found to it first (through another bean that has it injected,
 * or the static field Spring Boot keeps its shutdown hook in), so it is named after the bean.
 */
final class SpringBeans {
    static final String REGISTRY = "org.springframework.beans.factory.support.DefaultSingletonBeanRegistry";

    /** A bean: its name in its context and its object. */
    record Bean(String name, int object) {
    }

    /** No beans: a dump without Spring, or whose registries could not be read. */
    static final SpringBeans NONE = new SpringBeans(new IntObjectHashMap<>());

    private final IntObjectHashMap<String> names;

    private SpringBeans(IntObjectHashMap<String> names) {
        this.names = names;
    }

    /** Reads every registry among {@code views} (found as the maps whose holder on their path is a registry). */
    static SpringBeans read(HeapIndex index, StrongPaths paths, List<MapView> views) {
        IntObjectHashMap<String> names = new IntObjectHashMap<>();
        boolean[] registry = index.classesExtending(REGISTRY);
        boolean any = false;
        for (boolean r : registry) {
            any |= r;
        }
        if (!any) {
            return NONE;
        }
        for (MapView m : views) {
            int holder = paths.parent(m.object());
            if (holder < 0 || !registry[index.classIndexOf(holder)]) {
                continue;
            }
            Instance factory = index.reader().instance(holder);
            if (factory == null || factory.refIndexDeclaredIn(REGISTRY, "singletonObjects") != m.object()) {
                continue;
            }
            m.entries((node, key, value, hash, known, bin) -> {
                int k = key == 0 ? -1 : index.indexOf(key);
                int v = value == 0 ? -1 : index.indexOf(value);
                String name = k < 0 ? null : index.reader().string(k, 200);
                if (name != null && v >= 0 && !names.containsKey(v)) {
                    names.put(v, name);
                }
                return true;
            });
        }
        return new SpringBeans(names);
    }

    /**
     * The bean nearest to the end of {@code path} (a strong path from a root, the map last), the map itself left
     * out; null when none on it is a bean.
     */
    Bean nearest(int[] path) {
        for (int i = path.length - 2; i >= 0; i--) {
            String name = names.get(path[i]);
            if (name != null) {
                return new Bean(name, path[i]);
            }
        }
        return null;
    }
}
