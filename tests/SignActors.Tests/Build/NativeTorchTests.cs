using SignActors.Build;
using TorchSharp;
using Xunit;

namespace SignActors.Tests.Build;

/// <summary>The build's TorchSharp native load and its GLIBCXX_3.4.32 compatibility patch.</summary>
public class NativeTorchTests
{
    const string Version = "GLIBCXX_3.4.32";

    static string CopiedLibTorchSharp() =>
        Directory.EnumerateFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).First();

    [Fact]
    public void A_real_tensor_operation_runs_on_the_native_library()
    {
        using var a = torch.arange(1, 5, dtype: torch.float32);  // 1 2 3 4
        using var b = a.matmul(a);
        Assert.Equal(30f, b.item<float>());
    }

    [Fact]
    public void The_copied_library_is_patched_exactly_when_the_host_lacks_the_version()
    {
        var elf = File.ReadAllBytes(CopiedLibTorchSharp());
        var needs = ElfVersionNeeds.List(elf).Where(n => n.Name == Version).ToList();
        Assert.Single(needs);
        Assert.Equal("libstdc++.so.6", needs[0].File);
        string? host = ElfVersionNeeds.FindHostLibStdCxx();
        bool hostHasIt = host != null && ElfVersionNeeds.Defines(File.ReadAllBytes(host), Version);
        Assert.Equal(!hostHasIt, needs[0].IsWeak);
        // Only that one need is touched: every other version need stays strong.
        Assert.All(ElfVersionNeeds.List(elf).Where(n => n.Name != Version), n => Assert.False(n.IsWeak));
    }

    [Fact]
    public void Marking_weak_is_idempotent_and_reversible()
    {
        var elf = File.ReadAllBytes(CopiedLibTorchSharp());
        ElfVersionNeeds.SetWeak(elf, Version, weak: false);
        var strong = (byte[])elf.Clone();
        Assert.True(ElfVersionNeeds.SetWeak(elf, Version, weak: true));
        var once = (byte[])elf.Clone();
        Assert.False(ElfVersionNeeds.SetWeak(elf, Version, weak: true));
        Assert.Equal(once, elf);
        Assert.Equal(1, once.Zip(strong).Count(p => p.First != p.Second)); // one flag byte
    }

    [Fact]
    public void Patch_writes_through_a_new_file_and_a_second_run_changes_nothing()
    {
        string dir = Directory.CreateTempSubdirectory("glibcxx").FullName;
        string so = Path.Combine(dir, "libLibTorchSharp.so");
        var elf = File.ReadAllBytes(CopiedLibTorchSharp());
        ElfVersionNeeds.SetWeak(elf, Version, weak: false);
        File.WriteAllBytes(so, elf);
        string fakeOldHost = Path.Combine(dir, "libstdc++.so.6");
        File.WriteAllBytes(fakeOldHost, System.Text.Encoding.ASCII.GetBytes("\0GLIBCXX_3.4.30\0GLIBCXX_3.4.3\0"));
        Assert.Contains("marked", ElfVersionNeeds.PatchIfHostLacks(so, Version, fakeOldHost));
        Assert.Contains("already weak", ElfVersionNeeds.PatchIfHostLacks(so, Version, fakeOldHost));
        Assert.True(ElfVersionNeeds.List(File.ReadAllBytes(so)).Single(n => n.Name == Version).IsWeak);

        string newHost = Path.Combine(dir, "new-libstdc++.so.6");
        File.WriteAllBytes(newHost, System.Text.Encoding.ASCII.GetBytes("\0GLIBCXX_3.4.32\0"));
        Assert.Contains("left as shipped", ElfVersionNeeds.PatchIfHostLacks(so, Version, newHost));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void A_version_string_is_only_found_whole()
    {
        var lib = System.Text.Encoding.ASCII.GetBytes("\0XGLIBCXX_3.4.32\0GLIBCXX_3.4.321\0");
        Assert.False(ElfVersionNeeds.Defines(lib, Version));
    }

    [Fact]
    public void Non_elf_input_is_a_clear_error()
    {
        var e = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.List(new byte[100]));
        Assert.Contains("not an ELF", e.Message);
    }
}
