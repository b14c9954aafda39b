using SignActors.Host;
using Xunit;

namespace SignActors.Tests.Host;

public class CommandTests
{
    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.BuildCommand(stdout, stderr).Parse(args).Invoke();
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A small synthetic set in a temporary cache, so tests never write to the user's cache.</summary>
    static readonly string SmallData =
        $"signactors.data {{ cache-directory = \"{Path.Combine(Path.GetTempPath(), "signactors-test-cache")}\", synthetic {{ train-per-class = 3, test-per-class = 1 }} }}\n";

    static string WriteConfig(string text)
    {
        text = SmallData + text;
        string path = Path.Combine(Path.GetTempPath(), $"signactors-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Run_on_the_embedded_defaults_resolves_mvsm_its_data_and_model()
    {
        var (code, output, _) = Run("run", WriteConfig(""));
        Assert.Equal(0, code);
        Assert.Contains("resolved algorithm \"mvsm-v1\" for n=8", output);
        Assert.Contains("stochastic-sign (R = auto)", output);
        Assert.Contains("data: 300 train records", output);
        Assert.Contains("partition label-skew(13 classes per node):", output);
        Assert.Equal(8, output.Split('\n').Count(l => l.Contains(" classes") && l.TrimStart().StartsWith("node ")));
        Assert.Contains("model cnn-small: d = 254,084 parameters on cpu", output);
    }

    [Fact]
    public void A_user_file_overrides_over_the_reference()
    {
        var (code, output, _) = Run("run", WriteConfig("signactors { nodes = 1, algorithm { preset = ef-signsgd } }"));
        Assert.Equal(0, code);
        Assert.Contains("aggregator identity", output);
        Assert.Contains("ErrorFeedback", output);
    }

    [Theory]
    [InlineData("signactors.algorithm.preset = nope", "unknown preset \"nope\"")]
    [InlineData("signactors.algorithm.uplink = two-bit", "signactors.algorithm.uplink = \"two-bit\" is not one of: sign, stochastic-sign, scaled-sign, float32")]
    [InlineData("signactors.algorithm.radius = -3", "signactors.algorithm.radius = \"-3\" must be a positive number or auto")]
    [InlineData("signactors { algorithm.preset = ssvr, nodes = 4 }", "identity is for single-node runs")]
    [InlineData("signactors.learning-rate.schedule = exp", "is not one of: constant, step, cosine, inverse-sqrt")]
    [InlineData("signactors.nodes = 0", "signactors.nodes must be ≥ 1")]
    [InlineData("signactors.data.source = imagenet", "signactors.data.source: 'imagenet' is not one of synthetic, cifar100")]
    [InlineData("signactors.data.source = cifar100", "signactors.data.directory: set it to the folder holding train.bin and test.bin")]
    [InlineData("signactors.data.partition.kind = shards", "signactors.data.partition.kind: 'shards' is not one of iid, label-skew, dirichlet")]
    [InlineData("signactors.data.partition.classes-per-node = 5", "8 nodes × 5 classes-per-node = 40 < 100 classes")]
    [InlineData("signactors.data { partition.kind = dirichlet, partition.alpha = 0 }", "dirichlet: alpha must be positive")]
    [InlineData("signactors.data.synthetic.train-per-class = 0", "synthetic train-per-class must be ≥ 1")]
    [InlineData("signactors.model.name = vgg", "signactors.model.name: unknown model 'vgg'; one of: mlp, cnn-small, resnet18, resnet50")]
    [InlineData("signactors.model.device = gpu", "signactors.model.device: device 'gpu' is not one of cpu, cuda, cuda:N, auto")]
    [InlineData("signactors.model.torch-threads = 0", "signactors.model.torch-threads must be ≥ 1")]
    public void Bad_settings_are_one_line_errors_with_exit_code_2(string hocon, string expected)
    {
        var (code, output, error) = Run("run", WriteConfig(hocon));
        Assert.Equal(2, code);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Equal("", output);
    }

    [Fact]
    public void A_bad_data_directory_is_a_one_line_error_naming_it()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"signactors-cifar-{Guid.NewGuid():N}");
        var (code, _, error) = Run("run", WriteConfig($"signactors.data {{ source = cifar100, directory = \"{directory}\" }}"));
        Assert.Equal(2, code);
        Assert.Equal($"signactors: {directory}: data directory not found (it should hold train.bin and test.bin)", error.Trim());

        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, "train.bin"), new byte[3074 * 2 + 5]);
        (code, _, error) = Run("run", WriteConfig($"signactors.data {{ source = cifar100, directory = \"{directory}\" }}"));
        Assert.Equal(2, code);
        Assert.Contains("train.bin: 6,153 bytes is not a whole number of 3,074-byte CIFAR-100 records", error);
        Assert.Single(error.Trim().Split('\n'));
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var (code, _, error) = Run("run", "/nonexistent/x.conf");
        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/x.conf does not exist", error);
    }

    [Fact]
    public void Bench_runs_on_tiny_sizes_and_prints_ratios()
    {
        var (code, output, _) = Run("bench", "--suite", "kernels", "--d", "1000", "--n", "3", "--min-ms", "0");
        Assert.Equal(0, code);
        Assert.Contains("| majority vote | 3 | 1,000 |", output);
        Assert.Contains("| S_1 (unbiased sign) | 3 |", output);
    }
}
