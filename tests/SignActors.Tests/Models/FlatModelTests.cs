using System.Diagnostics;
using SignActors.Messages.Packing;
using SignActors.Training.Data;
using SignActors.Training.Models;
using SignActors.Training.Randomness;
using SignActors.Training.Updates;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace SignActors.Tests.Models;

/// <summary>Shared small synthetic data for model tests (generated in memory once).</summary>
public sealed class SmallData
{
    public ImageSet Train { get; } = Cifar100Set.FromRecords(SyntheticCifar100.Generate(new SyntheticSpec(5, 2, 1), 1), "synthetic").Images();
}

[Collection("torch")]
public class FlatModelTests(SmallData data) : IClassFixture<SmallData>
{
    static (Tensor, Tensor) Batch(ImageSet set, MinibatchBuilder builder, int start, int count) =>
        builder.Build(set, Enumerable.Range(start, count).ToArray());

    [Fact]
    public void Layouts_are_contiguous_and_the_sizes_are_as_documented()
    {
        foreach (var (kind, expected) in new[] { (ModelKind.Mlp, 422_756), (ModelKind.CnnSmall, -1), (ModelKind.ResNet18, -1), (ModelKind.ResNet50, -1) })
        {
            using var module = ModelZoo.Create(ModelSpec.Cifar100(kind));
            var layout = new ParameterLayout(module);
            long offset = 0;
            foreach (var slot in layout.Slots)
            {
                Assert.Equal(offset, slot.Offset);
                offset += slot.Length;
            }
            Assert.Equal(layout.Length, offset);
            if (expected > 0) Assert.Equal(expected, layout.Length);
            switch (kind)
            {
                case ModelKind.CnnSmall: Assert.InRange(layout.Length, 200_000, 500_000); break;
                case ModelKind.ResNet18: Assert.InRange(layout.Length, 11_100_000, 11_300_000); break;
                case ModelKind.ResNet50: Assert.InRange(layout.Length, 23_500_000, 23_800_000); break;
            }
        }
    }

    [Theory]
    [InlineData(ModelKind.Mlp)] [InlineData(ModelKind.CnnSmall)] [InlineData(ModelKind.ResNet18)] [InlineData(ModelKind.ResNet50)]
    public void Every_parameter_is_finite_and_initialised_as_documented(ModelKind kind)
    {
        using var module = ModelZoo.Create(ModelSpec.Cifar100(kind));
        var layout = new ParameterLayout(module);
        var values = ParameterInit.Values(module, layout, 42);
        Assert.All(values, v => Assert.True(float.IsFinite(v)));
        var kinds = module.named_modules().SelectMany(m => m.module.named_parameters(recurse: false)
            .Select(p => (Name: m.name.Length == 0 ? p.name : $"{m.name}.{p.name}", Module: m.module, Own: p.name))).ToDictionary(x => x.Name);
        foreach (var slot in layout.Slots)
        {
            var v = values.AsSpan((int)slot.Offset, (int)slot.Length);
            var (_, m, own) = kinds[slot.Name];
            if (m is TorchSharp.Modules.GroupNorm) Assert.All(v.ToArray(), x => Assert.Equal(own == "weight" ? 1f : 0f, x));
            else if (own == "bias") Assert.All(v.ToArray(), x => Assert.Equal(0f, x));
            else
            {
                long fanIn = slot.Shape.Skip(1).Aggregate(1L, (a, b) => a * b);
                double expectedStd = Math.Sqrt((m is TorchSharp.Modules.Conv2d ? 2.0 : 1.0) / fanIn);
                double mean = v.ToArray().Average(x => (double)x), std = Math.Sqrt(v.ToArray().Average(x => (double)x * x));
                double n = v.Length;
                Assert.InRange(mean, -4 * expectedStd / Math.Sqrt(n), 4 * expectedStd / Math.Sqrt(n));
                Assert.InRange(std, expectedStd * (1 - 4 / Math.Sqrt(2 * n)), expectedStd * (1 + 4 / Math.Sqrt(2 * n)));
            }
        }
    }

    [Fact]
    public void Each_parameter_draws_its_own_stream_whatever_thread_draws_it()
    {
        // resnet18 is drawn on several threads, largest parameter first: each slot must still be
        // exactly its own stream's draws, computed here one value at a time.
        using var module = ModelZoo.Create(ModelSpec.Cifar100(ModelKind.ResNet18));
        var layout = new ParameterLayout(module);
        var values = ParameterInit.Values(module, layout, 7);
        int fc = layout.Slots.ToList().FindIndex(s => s.Name == "fc.weight");
        int largest = Enumerable.Range(0, layout.Slots.Count).MaxBy(i => layout.Slots[i].Length);
        foreach (var (i, fanIn, gain) in new[] { (fc, 512, 1.0), (largest, 512 * 9, 2.0) })
        {
            var slot = layout.Slots[i];
            var stream = new RandomStream(new StreamKey(7, StreamKey.RunActor, (uint)i, StreamPurpose.ModelInit));
            double std = Math.Sqrt(gain / fanIn);
            for (int k = 0; k < slot.Length; k += 997) // every 997th, the draws between skipped in step
            {
                for (int skip = k == 0 ? 0 : 996; skip > 0; skip--) stream.NextNormal();
                Assert.Equal((float)(std * stream.NextNormal()), values[slot.Offset + k]);
            }
        }
    }

    [Fact]
    public void Initial_parameters_are_drawn_off_the_thread_pool_each_once_and_a_failure_is_rethrown()
    {
        // Akka runs the cluster's heartbeats on the thread pool; a draw of d normals must not hold its threads.
        var seen = new System.Collections.Concurrent.ConcurrentBag<(int Item, bool Pool)>();
        Exception? failure = null;
        var caller = new Thread(() =>
        {
            ParameterInit.OnOwnThreads(Enumerable.Range(0, 64).ToArray(), 4, i => { Thread.Sleep(1); seen.Add((i, Thread.CurrentThread.IsThreadPoolThread)); });
            failure = Record.Exception(() => ParameterInit.OnOwnThreads(new[] { 1, 2, 3 }, 2, i => { if (i == 2) throw new InvalidOperationException("two"); }));
        });
        caller.Start();
        caller.Join();
        Assert.Equal(Enumerable.Range(0, 64), seen.Select(s => s.Item).Order());
        Assert.DoesNotContain(seen, s => s.Pool);
        Assert.Equal("two", Assert.IsType<InvalidOperationException>(failure).Message);
    }

    [Fact]
    public void A_module_with_an_unknown_parameter_owner_is_refused()
    {
        using var module = nn.Sequential(("emb", nn.Embedding(10, 4)));
        var e = Assert.Throws<NotSupportedException>(() => ParameterInit.Values(module, new ParameterLayout(module), 1));
        Assert.Contains("emb.weight", e.Message);
    }

    [Theory]
    [InlineData(ModelKind.Mlp)] [InlineData(ModelKind.CnnSmall)] [InlineData(ModelKind.ResNet18)] [InlineData(ModelKind.ResNet50)]
    public void Outputs_are_batch_by_100_and_finite(ModelKind kind)
    {
        using var model = new FlatModel(ModelSpec.Cifar100(kind), 1);
        using var builder = new MinibatchBuilder(4, data.Train);
        var (images, _) = Batch(data.Train, builder, 0, 3);
        using var output = model.Forward(images);
        Assert.Equal(new long[] { 3, 100 }, output.shape);
        Assert.True(output.isfinite().all().item<bool>());
    }

    /// <summary>
    /// Backward through every layer type of every model. resnet50's strided 1×1 projections used
    /// to kill the process (SIGFPE inside libtorch 2.10's oneDNN on AVX-512) on this pass.
    /// </summary>
    [Theory]
    [InlineData(ModelKind.Mlp)] [InlineData(ModelKind.CnnSmall)] [InlineData(ModelKind.ResNet18)] [InlineData(ModelKind.ResNet50)]
    public void Every_model_takes_a_finite_gradient_step(ModelKind kind)
    {
        using var model = new FlatModel(ModelSpec.Cifar100(kind), 1);
        using var builder = new MinibatchBuilder(2, data.Train);
        var (images, labels) = Batch(data.Train, builder, 0, 2);
        float loss = model.Step(images, labels);
        Assert.True(float.IsFinite(loss) && loss > 0);
        Assert.True(model.Gradient.isfinite().all().item<bool>());
        Assert.True(model.Gradient.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void The_shortcut_projection_equals_a_strided_one_by_one_convolution()
    {
        using var projection = new Projection(8, 16, 2);
        using var reference = nn.Conv2d(8, 16, 1, stride: 2, bias: false);
        using var norm = nn.GroupNorm(16, 16);
        using (no_grad())
        {
            var (_, weight) = projection.named_parameters().First(p => p.name == "conv.weight");
            reference.weight!.copy_(weight);
            foreach (var (name, p) in projection.named_parameters().Where(p => p.name.StartsWith("norm.")))
            {
                p.fill_(name == "norm.weight" ? 1.5 : 0.1); // GroupNorm's own init is garbage memory
                (name == "norm.weight" ? norm.weight! : norm.bias!).copy_(p);
            }
            var x = randn(2, 8, 9, 9, generator: new Generator(5));
            var expected = norm.forward(reference.forward(x));
            var actual = projection.forward(x);
            Assert.Equal(expected.shape, actual.shape);
            Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-6));
        }
    }

    [Fact]
    public void Parameters_are_views_of_the_flat_vector_and_backward_fills_the_flat_gradient()
    {
        using var model = new FlatModel(ModelSpec.Cifar100(ModelKind.CnnSmall), 3);
        using var builder = new MinibatchBuilder(8, data.Train);
        var (images, labels) = Batch(data.Train, builder, 0, 8);
        using var before = model.Forward(images);
        var fcBias = model.Layout["fc.bias"];
        model.ParameterSpan[(int)fcBias.Offset + 7] += 5f; // write through the flat span
        using var after = model.Forward(images);
        using var delta = after - before;
        Assert.Equal(5f, delta[0, 7].item<float>(), 4);
        Assert.Equal(0f, delta[0, 6].item<float>());

        float loss = model.Step(images, labels);
        Assert.True(float.IsFinite(loss));
        var g = model.GradientSpan;
        int nonZero = 0;
        foreach (var x in g) if (x != 0) nonZero++;
        Assert.True(nonZero > model.Dimension / 2, $"{nonZero} of {model.Dimension} gradient coordinates set");
        // The flat gradient is exactly the concatenation of the parameters' .grad.
        var slot = model.Layout["conv2.weight"];
        Assert.Equal(g.Slice((int)slot.Offset, 10).ToArray(), model.Gradient.narrow(0, slot.Offset, 10).data<float>().ToArray());
    }

    [Fact]
    public void Mlp_gradient_matches_central_finite_differences()
    {
        using var model = new FlatModel(ModelSpec.Cifar100(ModelKind.Mlp), 4);
        using var builder = new MinibatchBuilder(16, data.Train);
        var (images, labels) = Batch(data.Train, builder, 10, 16);
        model.Step(images, labels);
        var gradient = model.GradientSpan.ToArray();
        // A few coordinates in every layer, the largest of each.
        foreach (var slot in model.Layout.Slots)
        {
            int k = (int)slot.Offset + Enumerable.Range(0, (int)slot.Length).MaxBy(i => Math.Abs(gradient[slot.Offset + i]));
            float x = model.ParameterSpan[k];
            const float h = 1e-2f;
            model.ParameterSpan[k] = x + h;
            double up = Loss();
            model.ParameterSpan[k] = x - h;
            double down = Loss();
            model.ParameterSpan[k] = x;
            double numeric = (up - down) / (2 * h);
            Assert.True(Math.Abs(numeric - gradient[k]) <= 0.02 * Math.Abs(gradient[k]) + 2e-4, $"{slot.Name}[{k - slot.Offset}]: backward {gradient[k]}, finite difference {numeric}");
        }

        double Loss()
        {
            using var output = model.Forward(images);
            using var loss = nn.functional.cross_entropy(output, labels);
            return loss.item<float>();
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_parameters_and_gradient_bits()
    {
        using var builder = new MinibatchBuilder(8, data.Train);
        float[] Gradient(ulong seed, out ParameterHash hash)
        {
            using var model = new FlatModel(ModelSpec.Cifar100(ModelKind.CnnSmall), seed);
            hash = model.Hash();
            var (images, labels) = Batch(data.Train, builder, 0, 8);
            model.Step(images, labels);
            return model.GradientSpan.ToArray();
        }
        var a = Gradient(9, out var hashA);
        var b = Gradient(9, out var hashB);
        var c = Gradient(10, out var hashC);
        Assert.Equal(hashA, hashB);
        Assert.NotEqual(hashA, hashC);
        Assert.True(a.AsSpan().SequenceEqual(b), "same seed, same batch: gradients differ");
        Assert.False(a.AsSpan().SequenceEqual(c));
        Assert.Equal(64, hashA.Hex.Length);
    }

    [Fact]
    public void StepAt_takes_the_gradient_at_the_other_point_and_leaves_the_parameters_bit_identical()
    {
        using var builder = new MinibatchBuilder(8, data.Train);
        var (images, labels) = Batch(data.Train, builder, 20, 8);
        using var model = new FlatModel(ModelSpec.Cifar100(ModelKind.CnnSmall), 5);
        using var other = new FlatModel(ModelSpec.Cifar100(ModelKind.CnnSmall), 6);
        var hash = model.Hash();
        model.StepAt(other.Parameters, images, labels);
        Assert.Equal(hash, model.Hash());
        var atOther = model.GradientSpan.ToArray();
        other.Step(images, labels);
        Assert.True(atOther.AsSpan().SequenceEqual(other.GradientSpan));
    }

    [Fact]
    public void Evaluation_and_full_gradient_norms_do_not_depend_on_the_batch_size()
    {
        using var model = new FlatModel(ModelSpec.Cifar100(ModelKind.Mlp), 7);
        var records = Enumerable.Range(0, 60).ToList();
        using var small = new MinibatchBuilder(7, data.Train);
        using var large = new MinibatchBuilder(64, data.Train);
        var a = model.Evaluate(data.Train, records, small);
        var b = model.Evaluate(data.Train, records, large);
        Assert.Equal(a.Accuracy, b.Accuracy);
        Assert.Equal(a.Loss, b.Loss, 4);
        Assert.InRange(a.Loss, 3.0, 7.0); // near ln 100 ≈ 4.6 at initialisation
        Assert.InRange(a.Accuracy, 0, 1);
        var na = model.FullGradientNorms(data.Train, records, small);
        var nb = model.FullGradientNorms(data.Train, records, large);
        Assert.Equal(nb.L1, na.L1, nb.L1 * 1e-4);
        Assert.Equal(nb.L2, na.L2, nb.L2 * 1e-4);
        Assert.True(na.L2 > 0 && na.L1 > na.L2);
    }
}

[Collection("torch")]
public class DeviceSignsTests
{
    [Theory]
    [InlineData(1)] [InlineData(7)] [InlineData(64)] [InlineData(1000)] [InlineData(100_003)]
    public void Tensor_packing_and_apply_match_the_span_kernels_on_the_cpu(int d)
    {
        var values = TestVectors.Uniform(d, d);
        if (d > 3) values[3] = -0.0f;
        using var v = torch.tensor(values);
        var expected = SignPacker.Pack(values);
        Assert.Equal(expected, DeviceSigns.Pack(v));

        var x = TestVectors.Uniform(d, d + 1);
        using var xt = torch.tensor(x);
        SignStep.Apply(expected, x, 0.01f, 0.1f);
        DeviceSigns.Apply(expected, xt, 0.01f, 0.1f);
        var got = xt.data<float>().ToArray();
        for (int k = 0; k < d; k++) Assert.True(Math.Abs(got[k] - x[k]) <= 1e-6f * Math.Max(1, Math.Abs(x[k])), $"k={k}: {got[k]} vs {x[k]}");
    }

    [Fact]
    public void Tensor_packing_rejects_nan_with_its_index()
    {
        var values = new float[20];
        values[13] = float.NaN;
        using var v = torch.tensor(values);
        Assert.Contains("coordinate 13", Assert.Throws<ArgumentException>(() => DeviceSigns.Pack(v)).Message);
    }
}

[Collection("torch")]
public class ReplicaDeviceTests
{
    [Fact]
    public void Devices_parse_and_auto_falls_back_to_the_cpu_with_a_log_line()
    {
        Assert.Equal(DeviceType.CPU, ReplicaDevice.Resolve("cpu", 0).type);
        foreach (var bad in new[] { "gpu", "cuda:", "cuda:-1", "CPU", "" })
            Assert.Contains("is not one of cpu, cuda, cuda:N, auto", Assert.Throws<ArgumentException>(() => ReplicaDevice.Validate(bad)).Message);
        if (torch.cuda.is_available()) return; // the fallback below is for CPU-only hosts (CI)
        var log = new List<string>();
        Assert.Equal(DeviceType.CPU, ReplicaDevice.Resolve("auto", 3, log.Add).type);
        Assert.Contains("replica 3 runs on the CPU", Assert.Single(log));
        Assert.Contains("CUDA is not available", Assert.Throws<ArgumentException>(() => ReplicaDevice.Resolve("cuda:1", 0)).Message);
    }
}

/// <summary>Runs alone: another test allocating at the same time would move the resident-memory reading.</summary>
[CollectionDefinition("alone", DisableParallelization = true)]
public class AloneCollection;

[Collection("alone")]
public class NativeMemoryTests(SmallData data) : IClassFixture<SmallData>
{
    [Fact]
    public void Native_memory_stays_flat_over_500_steps()
    {
        using var model = new FlatModel(ModelSpec.Cifar100(ModelKind.Mlp), 8);
        using var builder = new MinibatchBuilder(32, data.Train);
        var indices = Enumerable.Range(0, 32).ToArray();
        for (int i = 0; i < 50; i++) Run(i);
        long warm = Resident();
        for (int i = 50; i < 500; i++) Run(i);
        long grown = Resident() - warm;
        Assert.True(grown < 24L << 20, $"resident memory grew by {grown >> 20} MB over 450 steps");

        void Run(int step)
        {
            var (images, labels) = builder.Build(data.Train, indices.Select(k => (k + step) % data.Train.Count).ToArray());
            model.Step(images, labels);
            SignStep.Apply(SignPacker.Pack(model.GradientSpan), model.ParameterSpan, 1e-3f, 0);
        }

        static long Resident()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            using var p = Process.GetCurrentProcess();
            p.Refresh();
            return p.WorkingSet64;
        }
    }
}
