using Akka.Configuration;
using SignActors.Runtime.Configuration;
using SignActors.Experiments;
using Xunit;

namespace SignActors.Tests.Host;

/// <summary>Config files as users write them: includes relative to the including file, and syntax errors as one line naming file and line.</summary>
public class HoconFileTests : IDisposable
{
    readonly string _root = Path.Combine(Path.GetTempPath(), $"signactors-hocon-{Guid.NewGuid():N}");

    public HoconFileTests() => Directory.CreateDirectory(Path.Combine(_root, "shared"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    string Write(string relative, string text)
    {
        string path = Path.Combine(_root, relative);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Includes_resolve_relative_to_the_including_file_and_later_settings_win()
    {
        Write("shared/model.conf", "signactors.model { name = mlp, batch-size = 16 }\n");
        Write("shared/base.conf", "include \"model.conf\"\nsignactors { rounds = 7, nodes = 3 }\n");          // relative to shared/
        string run = Write("run.conf", "include required(\"shared/base.conf\")\nsignactors.nodes = 2\n");
        string cwd = Environment.CurrentDirectory;
        var settings = RunSettings.Read(RunConfig.Load(run));
        Assert.Equal(cwd, Environment.CurrentDirectory);
        Assert.Equal((7L, 2, 16), (settings.Contract.Rounds, settings.Contract.Nodes, settings.Contract.BatchSize));
        Assert.Equal(SignActors.Training.Models.ModelKind.Mlp, settings.Contract.Model);
    }

    [Fact]
    public void A_comma_after_an_object_value_separates_fields_and_array_commas_stay()
    {
        string one = Write("one.conf", "signactors { data { partition.kind = iid }, rounds = 10, model { name = mlp },nodes = 3 }\n");
        var settings = RunSettings.Read(RunConfig.Load(one));
        Assert.Equal((10L, 3, SignActors.Training.Models.ModelKind.Mlp), (settings.Contract.Rounds, settings.Contract.Nodes, settings.Contract.Model));
        Assert.Equal("iid", RunConfig.Load(one).GetString("signactors.data.partition.kind"));
        string array = Write("array.conf", "signactors.faults.stragglers = [{ nodes = [1], probability = 0.5 }, { nodes = [2], probability = 0.25 }]\n");
        Assert.Equal(2, RunConfig.Load(array).GetValue("signactors.faults.stragglers").GetArray().Count);
    }

    [Fact]
    public void A_parse_error_names_file_line_and_column()
    {
        string file = Write("bad.conf", "signactors {\n  rounds = 10,,\n}\n");
        var e = Assert.Throws<ConfigurationException>(() => RunConfig.Load(file));
        Assert.Equal($"{file}:2:15: not valid HOCON: unexpected ',' where a key, a value or a closing bracket belongs", e.Message);
    }

    [Fact]
    public void An_experiment_file_can_include_its_base_config()
    {
        Write("shared/base.conf", "signactors { rounds = 5, nodes = 2 }\n");
        string file = Write("grid.conf", "include file(\"shared/base.conf\")\nexperiment.grid { seed = [1, 2] }\n");
        var config = RunConfig.Load(file, GridExperiment.Section);
        Assert.Equal(2, GridExperiment.Runs(config).Count);
        Assert.Equal(5, config.GetInt("signactors.rounds"));
    }

    [Theory]
    [InlineData("include required(\"shared/missing.conf\")\n", "run.conf:1: included file {root}/shared/missing.conf does not exist")]
    [InlineData("signactors {\n  rounds = 3\n  include \"nowhere.conf\"\n}\n", "run.conf:3: included file {root}/nowhere.conf does not exist")]
    [InlineData("signactors {\n  rounds = 3\n  faults.byzantine = [1,\n}\n", "run.conf:4: '}' closes the '[' opened at line 3")]
    [InlineData("signactors {\n  rounds = 3\n}}\n", "run.conf:3: '}' closes nothing")]
    [InlineData("signactors {\n  model { name = \"mlp }\n}\n", "run.conf:2: a quoted string is not closed on its line")]
    [InlineData("# a comment with { and \"\nsignactors {\n  rounds = 3\n", "run.conf:2: '{' is never closed")]
    [InlineData("include required(shared/base.conf)\n", "run.conf:1: include takes a quoted file name")]
    public void A_broken_file_or_include_is_one_line_naming_the_file_and_line(string text, string expected)
    {
        string path = Write("run.conf", text);
        var e = Assert.Throws<ConfigurationException>(() => RunConfig.Load(path));
        Assert.StartsWith(Path.Combine(_root, expected.Replace("{root}", _root)), e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Includes_that_include_each_other_are_refused()
    {
        Write("shared/a.conf", "include \"b.conf\"\n");
        Write("shared/b.conf", "include \"a.conf\"\n");
        var e = Assert.Throws<ConfigurationException>(() => RunConfig.Load(Path.Combine(_root, "shared/a.conf")));
        Assert.Equal($"{_root}/shared/b.conf: includes {_root}/shared/a.conf, which includes it back", e.Message);
    }

    [Fact]
    public void Strings_and_comments_may_hold_brackets_and_the_word_include()
    {
        string path = Write("run.conf", "// include \"x\" {\nsignactors {\n  output.name = \"include [x] {\" # ]\n  data.directory = \"\"\"a\"b{\"\"\"\n}\n");
        var config = RunConfig.Load(path);
        Assert.Equal("include [x] {", config.GetString("signactors.output.name"));
        Assert.Equal("a\"b{", config.GetString("signactors.data.directory"));
    }
}
