using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SignActors.Training.Memory;

/// <summary>
/// Applies <see cref="HeapPlan"/> through glibc's <c>mallopt</c> when this assembly loads: every
/// command, worker and the test host load it before libtorch allocates a tensor. Where the C
/// library is not glibc (musl, macOS, Windows) nothing is set and <see cref="State"/> says so.
/// </summary>
public static partial class GlibcHeap
{
    /// <summary>What was set, in one line (the run log prints it).</summary>
    public static string State { get; private set; } = "not set";

    /// <summary>The settings in force from this process's side (empty: the C library's defaults).</summary>
    public static IReadOnlyList<HeapSetting> Applied { get; private set; } = [];

#pragma warning disable CA2255 // a library's module initializer, on purpose: the heap must be told before the first tensor
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void KeepFreedMemory()
    {
        string? version = GlibcVersion();
        if (version is null) { State = "the C library is not glibc: its allocator's defaults"; return; }
        var plan = HeapPlan.For(Environment.GetEnvironmentVariable);
        var applied = plan.Where(s => mallopt(s.Parameter, s.Value) == 1).ToArray();
        Applied = applied;
        State = $"glibc {version}: {HeapPlan.Describe(applied)}{(applied.Length < HeapPlan.Defaults.Count ? $" (others from the environment or {HeapPlan.Switch})" : "")}";
    }

    static string? GlibcVersion()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try { return Marshal.PtrToStringAnsi(gnu_get_libc_version()); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return null; }
    }

    const string Libc = "libc.so.6";

    [LibraryImport(Libc)]
    private static partial int mallopt(int parameter, int value);

    [LibraryImport(Libc)]
    private static partial IntPtr gnu_get_libc_version();
}
