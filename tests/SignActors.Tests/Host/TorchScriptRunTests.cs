using SignActors.Tests.Models;
using Xunit;
using static SignActors.Tests.Data.NpyBytes;

namespace SignActors.Tests.Host;

/// <summary>`signactors run` with a TorchScript model on a small NumPy data set (1×4×4 images, 3 classes).</summary>
[Collection("host-runs")]
public sealed class TorchScriptRunTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("signactors-torchscript-run-").FullName;

    public TorchScriptRunTests() => WriteTinySet(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    string Config(string file, string extra = "")
    {
        string path = Path.Combine(_directory, $"run-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, $"signactors {{ nodes = 3, rounds = 3, evaluation.probe-records = 12, output.directory = \"{_directory}/runs\", model {{ name = torchscript, file = \"{file}\" }} }}\n"
            + $"signactors.data {{ source = npy, directory = \"{_directory}\", validation = 0, partition.kind = iid }}\n" + extra);
        return path;
    }

    [Fact]
    public void A_run_is_bit_identical_twice_and_says_where_x1_comes_from()
    {
        string config = Config(TorchScriptTests.Fixture("tiny-16x3.pt"));
        var (code, output, error) = CommandTests.Run("run", config);
        Assert.True(code == 0, output + error);
        Assert.Contains("model torchscript (d = 51) on cpu", output);
        Assert.Contains($"model file {TorchScriptTests.Fixture("tiny-16x3.pt")}, SHA-256 ", output);
        Assert.Contains("x_1 is its saved values (the seed does not change them); the JIT runs its graph unoptimised", output);
        Assert.Contains("done: 3 rounds completed; all 3 replicas bit-identical to the server after every round", output);
        var (again, output2, _) = CommandTests.Run("run", config);
        Assert.Equal(0, again);
        Assert.Equal(Hash(output), Hash(output2));
    }

    [Fact]
    public void A_checkpoint_resumes_only_with_the_same_file_bytes()
    {
        var (code, output, error) = CommandTests.Run("run", Config(TorchScriptTests.Fixture("tiny-16x3.pt"), "signactors.checkpoint.every = 2\n"));
        Assert.True(code == 0, output + error);
        string checkpoint = Path.Combine(Directory.GetDirectories(Path.Combine(_directory, "runs")).Single(), "checkpoint.bin");

        // Another file of the same architecture (d = 51): another run.
        (code, _, error) = CommandTests.Run("run", Config(TorchScriptTests.Fixture("tiny-16x3-traced.pt")), "--resume", checkpoint);
        Assert.Equal(2, code);
        Assert.Contains("written by a different run", error);

        // The same bytes under another name: the same run.
        string copy = Path.Combine(_directory, "renamed.pt");
        File.Copy(TorchScriptTests.Fixture("tiny-16x3.pt"), copy);
        (code, output, error) = CommandTests.Run("run", Config(copy), "--resume", checkpoint);
        Assert.True(code == 0, output + error);
        Assert.Contains("resuming after round 2", output);
    }

    static string Hash(string output) => output.Split('\n').Single(l => l.StartsWith("final parameter hash "));

    [Fact]
    public void A_truncated_file_a_file_that_is_not_torchscript_and_a_wrong_output_size_are_one_line_and_exit_2()
    {
        string truncated = Path.Combine(_directory, "truncated.pt"), text = Path.Combine(_directory, "text.pt");
        var bytes = File.ReadAllBytes(TorchScriptTests.Fixture("tiny-16x3.pt"));
        File.WriteAllBytes(truncated, bytes[..(bytes.Length - 100)]);
        File.WriteAllText(text, "def forward(x): return x\n");
        foreach (var (file, problem) in new[]
        {
            (truncated, "not a TorchScript module PyTorch saved (istream reader failed: reading file.)"), // cut inside its last record
            (text, "not a TorchScript module PyTorch saved (PytorchStreamReader failed reading zip archive: failed finding central directory)"),
            (TorchScriptTests.Fixture("tiny-16x5.pt"), "outputs [2, 5] for a batch of 2 images; the data has 3 classes, so [2, 3] logits are expected"),
        })
        {
            var (code, output, error) = CommandTests.Run("run", Config(file));
            Assert.Equal(2, code);
            Assert.Equal($"signactors: {file}: {problem}", error.Trim());
            Assert.DoesNotContain("signactors run:", output); // refused before a run directory exists
        }
        var (missing, _, why) = CommandTests.Run("run", Config(""));
        Assert.Equal(2, missing);
        Assert.StartsWith("signactors: signactors.model.file: set it to the TorchScript file", why.Trim());
    }
}
