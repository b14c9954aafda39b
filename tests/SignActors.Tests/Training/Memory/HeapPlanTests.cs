using System.Runtime.InteropServices;
using SignActors.Training.Memory;
using Xunit;

namespace SignActors.Tests.Training.Memory;

public sealed class HeapPlanTests
{
    static Func<string, string?> Env(params (string Name, string Value)[] set) =>
        name => set.FirstOrDefault(s => s.Name == name).Value;

    [Fact]
    public void Without_a_word_from_the_environment_every_parameter_is_set()
    {
        var plan = HeapPlan.For(Env());
        Assert.Equal(new[] { (-3, 32 * 1024 * 1024), (-1, 1024 * 1024 * 1024), (-2, 256 * 1024 * 1024) },
            plan.Select(s => (s.Parameter, s.Value)).ToArray());
        Assert.Equal("mmap threshold 32 MiB, trim threshold 1 GiB, top pad 256 MiB", HeapPlan.Describe(plan));
    }

    [Theory]
    [InlineData("off")]
    [InlineData(" OFF ")]
    public void The_switch_leaves_glibc_its_defaults(string value)
    {
        var plan = HeapPlan.For(Env(("SIGNACTORS_MALLOC", value)));
        Assert.Empty(plan);
        Assert.Equal("glibc's defaults", HeapPlan.Describe(plan));
    }

    [Fact]
    public void A_parameter_the_user_gave_glibc_is_left_to_glibc()
    {
        var byVariable = HeapPlan.For(Env(("MALLOC_TOP_PAD_", "1048576")));
        Assert.Equal(new[] { "mmap threshold", "trim threshold" }, byVariable.Select(s => s.Name).ToArray());
        var byTunable = HeapPlan.For(Env(("GLIBC_TUNABLES", "glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=65536")));
        Assert.Equal(new[] { "trim threshold", "top pad" }, byTunable.Select(s => s.Name).ToArray());
    }

    /// <summary>
    /// In this process (the test host loads SignActors.Training, whose initializer applies the
    /// plan) a freed 16 MiB block is handed out again without fresh pages: with glibc's defaults
    /// a block that size is mapped, unmapped on free and faulted in again, page by page.
    /// </summary>
    [Fact]
    public unsafe void Freed_memory_is_reused_without_page_faults()
    {
        if (!GlibcHeap.State.StartsWith("glibc", StringComparison.Ordinal)) return; // another C library: nothing was set
        Assert.Equal(HeapPlan.For(Environment.GetEnvironmentVariable).Count, GlibcHeap.Applied.Count);
        if (GlibcHeap.Applied.Count < HeapPlan.Defaults.Count) return; // the user's environment chose otherwise
        const int bytes = 16 << 20, page = 4096;
        Touch(bytes, page); // the heap grows once
        long before = MinorFaults();
        Touch(bytes, page);
        long faults = MinorFaults() - before;
        Assert.True(faults < bytes / page / 20, $"{faults} page faults touching a re-allocated 16 MiB block ({bytes / page} pages)");
    }

    static unsafe void Touch(int bytes, int page)
    {
        byte* block = (byte*)NativeMemory.Alloc((nuint)bytes);
        for (int i = 0; i < bytes; i += page) block[i] = 1;
        NativeMemory.Free(block);
    }

    static long MinorFaults() => getrusage(1 /* RUSAGE_THREAD */, out var usage) == 0 ? usage.MinorFaults : throw new InvalidOperationException("getrusage failed");

    [StructLayout(LayoutKind.Sequential)]
    struct RUsage
    {
        public long UserSeconds, UserMicros, SystemSeconds, SystemMicros;
        public long MaxRss, SharedText, UnsharedData, UnsharedStack, MinorFaults, MajorFaults;
        public long Swaps, BlockIn, BlockOut, MessagesSent, MessagesReceived, Signals, VoluntarySwitches, InvoluntarySwitches;
    }

    [DllImport("libc.so.6")]
    static extern int getrusage(int who, out RUsage usage);
}
