using SignActors.Training.Data;
using SignActors.Training.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace SignActors.Tests.Models;

/// <summary>
/// Modules saved by PyTorch 1.13 (scripts/torchscript-fixtures/make.py; the .pt files are committed):
/// the zoo's cnn-small exported layer for layer, and tiny classifiers for the refusals.
/// </summary>
public sealed class TorchScriptTests
{
    internal static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Models", "TorchScript", name);

    static readonly ImageShape FashionMnist = new(1, 28, 28), Tiny = new(1, 4, 4);

    static ModelSpec Script(string name, ImageShape input, int classes) => new(ModelKind.TorchScript, input, classes, TorchScriptFile.Read(Fixture(name)));

    [Fact]
    public void The_cnn_small_export_given_the_zoo_parameters_gives_the_zoo_loss_and_gradient()
    {
        using var zoo = new FlatModel(new ModelSpec(ModelKind.CnnSmall, FashionMnist, 10), seed: 5);
        using var script = new FlatModel(Script("cnn-small-1x10.pt", FashionMnist, 10), seed: 5);
        Assert.Equal(241_898, script.Dimension);
        Assert.Equal(zoo.Layout.Slots.Select(s => (s.Name, s.Offset, string.Join("x", s.Shape))), script.Layout.Slots.Select(s => (s.Name, s.Offset, string.Join("x", s.Shape))));
        script.LoadParameters(zoo.ParameterSpan);

        var generator = new Generator(11);
        using var images = torch.randn([16, 1, 28, 28], generator: generator);
        using var labels = torch.randint(10, [16], generator: generator);
        float zooLoss = zoo.Step(images, labels), scriptLoss = script.Step(images, labels);
        Assert.True(Math.Abs(scriptLoss - zooLoss) <= 1e-5 * Math.Abs(zooLoss), $"loss {scriptLoss} against the zoo's {zooLoss}");
        double difference = 0, norm = 0;
        var (a, b) = (zoo.GradientSpan.ToArray(), script.GradientSpan.ToArray());
        for (int i = 0; i < a.Length; i++) { difference += Math.Pow(b[i] - a[i], 2); norm += Math.Pow(a[i], 2); }
        Assert.True(norm > 0 && Math.Sqrt(difference / norm) <= 1e-5, $"relative gradient difference {Math.Sqrt(difference / norm):E2}");
        Assert.Equal(a.Length, a.Zip(b).Count(p => p.First != 0 == (p.Second != 0)));
    }

    [Fact]
    public void x1_is_the_files_saved_values_whatever_the_seed_and_a_step_is_the_same_bits_every_call()
    {
        var spec = Script("cnn-small-1x10.pt", FashionMnist, 10);
        using var one = new FlatModel(spec, seed: 1);
        using var two = new FlatModel(spec, seed: 2);
        Assert.Equal(one.Hash(), two.Hash());
        using (var saved = spec.Script!.Load())
        {
            var (name, conv) = saved.named_parameters().First();
            Assert.Equal("conv1.weight", name);
            Assert.Equal(conv.detach().flatten().data<float>().ToArray(), one.ParameterSpan[..288].ToArray());
        }

        // The JIT runs the graph as saved on every call: a step repeated 30 times gives the same gradient bits
        // (the profiling executor would have re-planned the graph after its first calls).
        var generator = new Generator(3);
        using var images = torch.randn([8, 1, 28, 28], generator: generator);
        using var labels = torch.randint(10, [8], generator: generator);
        one.Step(images, labels);
        Assert.False(GraphExecutor.Optimising); // on this thread, which ran the module
        var first = one.GradientSpan.ToArray();
        for (int call = 0; call < 30; call++)
        {
            one.Step(images, labels);
            Assert.True(first.AsSpan().SequenceEqual(one.GradientSpan), $"call {call + 2} changed the gradient");
        }
    }

    [Fact]
    public void A_traced_module_and_a_frozen_parameter_train_what_requires_grad()
    {
        var traced = TorchScriptFile.Read(Fixture("tiny-16x3-traced.pt"));
        traced.Check(Tiny, 3);
        using (var model = new FlatModel(new ModelSpec(ModelKind.TorchScript, Tiny, 3, traced), 1)) Assert.Equal(16 * 3 + 3, model.Dimension);

        var frozen = TorchScriptFile.Read(Fixture("tiny-frozen-bias.pt"));
        frozen.Check(Tiny, 3);
        using var flat = new FlatModel(new ModelSpec(ModelKind.TorchScript, Tiny, 3, frozen), 1);
        Assert.Equal(["fc.weight"], flat.Layout.Slots.Select(s => s.Name));
        using var images = torch.ones(4, 1, 4, 4);
        using var labels = torch.tensor(new long[] { 0, 1, 2, 0 });
        flat.Step(images, labels);
        Assert.Contains(flat.GradientSpan.ToArray(), g => g != 0);
    }

    [Theory]
    [InlineData("tiny-16x5.pt", "outputs [2, 5] for a batch of 2 images; the data has 3 classes, so [2, 3] logits are expected")]
    [InlineData("tiny-batchnorm.pt", "a training step changes its buffer 'extra.running_mean' (BatchNorm's running statistics?), which would differ between replicas; use GroupNorm, or BatchNorm with track_running_stats=False")]
    [InlineData("tiny-dropout.pt", "two training-mode calls on the same batch give different outputs (dropout or another random layer), so replicas could not stay bit-identical; remove it, or save the model without it")]
    [InlineData("tiny-float64.pt", "parameter 'fc.weight' is Float64; only float32 parameters are trained (save the model after model.float())")]
    public void What_replicas_cannot_share_is_refused_with_one_line(string name, string problem)
    {
        var e = Assert.Throws<ModelFileException>(() => TorchScriptFile.Read(Fixture(name)).Check(Tiny, 3));
        Assert.Equal($"{Fixture(name)}: {problem}", e.Message);
    }

    [Fact]
    public void Images_of_another_shape_and_files_that_are_not_torchscript_are_one_line()
    {
        var wrongShape = Assert.Throws<ModelFileException>(() => TorchScriptFile.Read(Fixture("tiny-16x3.pt")).Check(new ImageShape(1, 5, 5), 3));
        Assert.StartsWith($"{Fixture("tiny-16x3.pt")}: does not take the data's batches of [2, 1, 5, 5] images: RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x25 and 16x3)", wrongShape.Message);
        Assert.DoesNotContain('\n', wrongShape.Message);

        string directory = Directory.CreateTempSubdirectory("signactors-torchscript-").FullName;
        try
        {
            string truncated = Path.Combine(directory, "truncated.pt"), text = Path.Combine(directory, "text.pt");
            var bytes = File.ReadAllBytes(Fixture("tiny-16x3.pt"));
            File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
            File.WriteAllText(text, "not a model\n");
            foreach (var (path, problem) in new[] { (truncated, "failed finding central directory"), (text, "not a ZIP archive") })
            {
                var e = Assert.Throws<ModelFileException>(() => TorchScriptFile.Read(path).Load());
                Assert.Equal($"{path}: not a TorchScript module PyTorch saved (PytorchStreamReader failed reading zip archive: {problem})", e.Message);
            }
            Assert.StartsWith($"{directory}/none.pt: cannot be read: ", Assert.Throws<ModelFileException>(() => TorchScriptFile.Read(Path.Combine(directory, "none.pt"))).Message);
        }
        finally { Directory.Delete(directory, recursive: true); }
    }
}
