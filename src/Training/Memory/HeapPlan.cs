namespace SignActors.Training.Memory;

/// <summary>One glibc <c>mallopt</c> parameter and the value this process gives it.</summary>
public readonly record struct HeapSetting(string Name, int Parameter, int Value);

/// <summary>
/// What glibc's malloc is told at load, decided from the environment alone (so tests hit it
/// directly). libtorch frees its activation buffers after every step; with glibc's defaults
/// buffers above the mmap threshold go back to the kernel on free and come back as fresh
/// zero-filled pages, about a fifth of a training run's CPU time in page faults
/// (docs/benchmarks.md, "Memory kept across steps"). Raising the mmap threshold, the trim
/// threshold and the top pad keeps freed memory in the heap for the next step.
/// </summary>
public static class HeapPlan
{
    /// <summary><c>SIGNACTORS_MALLOC=off</c> leaves every malloc parameter at glibc's default.</summary>
    public const string Switch = "SIGNACTORS_MALLOC";

    // mallopt's parameter numbers (malloc.h).
    public const int TrimThreshold = -1, TopPad = -2, MmapThreshold = -3;

    /// <summary>
    /// The values, with the environment variable and tunable through which a user sets each
    /// one himself (glibc reads those at start; the plan then leaves that parameter alone).
    /// </summary>
    public static readonly IReadOnlyList<(HeapSetting Setting, string Variable, string Tunable)> Defaults =
    [
        (new("mmap threshold", MmapThreshold, 32 << 20), "MALLOC_MMAP_THRESHOLD_", "glibc.malloc.mmap_threshold"), // glibc's largest dynamic threshold
        (new("trim threshold", TrimThreshold, 1 << 30), "MALLOC_TRIM_THRESHOLD_", "glibc.malloc.trim_threshold"),
        (new("top pad", TopPad, 256 << 20), "MALLOC_TOP_PAD_", "glibc.malloc.top_pad"),
    ];

    /// <summary>The settings to apply given <paramref name="environment"/> (a variable's value, or null).</summary>
    public static IReadOnlyList<HeapSetting> For(Func<string, string?> environment)
    {
        if (string.Equals(environment(Switch)?.Trim(), "off", StringComparison.OrdinalIgnoreCase)) return [];
        string tunables = environment("GLIBC_TUNABLES") ?? "";
        return Defaults
            .Where(d => string.IsNullOrEmpty(environment(d.Variable)) && !tunables.Contains(d.Tunable + "=", StringComparison.Ordinal))
            .Select(d => d.Setting)
            .ToArray();
    }

    /// <summary>The settings in one line, for a run's log.</summary>
    public static string Describe(IReadOnlyList<HeapSetting> settings) => settings.Count == 0
        ? "glibc's defaults"
        : string.Join(", ", settings.Select(s => $"{s.Name} {Mebibytes(s.Value)}"));

    static string Mebibytes(int bytes) => bytes >= 1 << 30 && bytes % (1 << 30) == 0 ? $"{bytes >> 30} GiB" : $"{bytes / (1 << 20)} MiB";
}
