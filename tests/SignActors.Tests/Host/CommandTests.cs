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

    static string WriteConfig(string text)
    {
        string path = Path.Combine(Path.GetTempPath(), $"signactors-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Run_on_the_embedded_default_resolves_mvsm()
    {
        var (code, output, _) = Run("run");
        Assert.Equal(0, code);
        Assert.Contains("resolved algorithm \"mvsm-v1\" for n=8", output);
        Assert.Contains("stochastic-sign (R = auto)", output);
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
    public void Bad_settings_are_one_line_errors_with_exit_code_2(string hocon, string expected)
    {
        var (code, output, error) = Run("run", WriteConfig(hocon));
        Assert.Equal(2, code);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Equal("", output);
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
        var (code, output, _) = Run("bench", "--d", "1000", "--n", "3", "--min-ms", "0");
        Assert.Equal(0, code);
        Assert.Contains("| majority vote | 3 | 1,000 |", output);
        Assert.Contains("| S_1 (unbiased sign) | 3 |", output);
    }
}
