using System.Diagnostics;
using System.Text.RegularExpressions;
using SignActors.Build;
using Xunit;

namespace SignActors.Tests.Build;

/// <summary>
/// The packaging command of docs/running.md: `dotnet publish src/Host -c Release -o DIR` gives one folder
/// that runs with only the .NET runtime — started from a copy elsewhere, with no NuGet cache in
/// reach, and with libLibTorchSharp.so's GLIBCXX_3.4.32 need weak whatever this machine's libstdc++.
/// </summary>
[Collection("alone")]
public class PublishTests
{
    static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "SignActors.sln"))) return d.FullName;
        throw new InvalidOperationException($"no SignActors.sln above {AppContext.BaseDirectory}");
    }

    static (int Code, string Output) Execute(string file, string workingDirectory, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) info.Environment[k] = v;
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3))) { p.Kill(entireProcessTree: true); throw new TimeoutException($"{file} {string.Join(' ', args)}"); }
        return (p.ExitCode, output.Result + error.Result);
    }

    [Fact]
    public void The_published_folder_runs_from_anywhere_with_only_the_runtime()
    {
        string root = RepositoryRoot();
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        string work = Directory.CreateTempSubdirectory("signactors-publish-").FullName;
        try
        {
            string published = Path.Combine(work, "published");
            // --no-build: the suite's own build of src/Host is what gets packaged (the documented command builds first).
            var (code, output) = Execute("dotnet", root, null, "publish", Path.Combine(root, "src", "Host"), "-c", configuration, "--no-build", "-o", published);
            Assert.True(code == 0, output);
            string moved = Path.Combine(work, "elsewhere");
            Directory.Move(published, moved); // the folder is relocatable

            var native = ElfVersionNeeds.List(File.ReadAllBytes(Path.Combine(moved, "libLibTorchSharp.so")));
            Assert.True(native.Single(n => n.Name == "GLIBCXX_3.4.32").IsWeak);
            Assert.Empty(Directory.GetDirectories(moved, "runtimes")); // Linux x64 only: native libraries beside the assemblies

            // No NuGet cache or SDK probing to fall back on: only the runtime and the folder.
            var bare = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(work, "no-cache"), ["HOME"] = work, ["DOTNET_CLI_HOME"] = work };
            (code, output) = Execute(Path.Combine(moved, "signactors"), work, bare, "--version");
            Assert.True(code == 0, output);
            Assert.Matches(new Regex(@"^\d+\.\d+\.\d+\+[0-9a-f]{40}\s*$"), output);

            string config = Path.Combine(work, "tiny.conf");
            File.WriteAllText(config, $$"""
                signactors {
                  nodes = 2
                  rounds = 2
                  model.name = mlp
                  data { cache-directory = "{{Path.Combine(Path.GetTempPath(), "signactors-test-cache")}}", synthetic { train-per-class = 3, test-per-class = 1 } }
                  output.directory = "{{Path.Combine(work, "runs")}}"
                }
                """);
            (code, output) = Execute(Path.Combine(moved, "signactors"), work, bare, "run", config);
            Assert.True(code == 0, output);
            Assert.Contains("done: 2 rounds completed", output);
        }
        finally { Directory.Delete(work, recursive: true); }
    }
}
