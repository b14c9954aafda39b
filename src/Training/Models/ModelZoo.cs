using SignActors.Training.Data;
using SignActors.Training.Objectives;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SignActors.Training.Models;

public enum ModelKind { Mlp, CnnSmall, ResNet18, ResNet50, TorchScript, Logistic, Objective }

/// <summary>
/// A model for one data set: its kind, the input image shape and the number of classes (the output
/// layer's width), for <see cref="ModelKind.TorchScript"/> the file, for
/// <see cref="ModelKind.Objective"/> the function (no data: the input is ignored), and the L2 term
/// λ/2·‖x‖² that is part of f (<c>model.l2</c>). Every replica derives it from the same training set.
/// </summary>
public sealed record ModelSpec(ModelKind Kind, ImageShape Input, int Classes, TorchScriptFile? Script = null, ObjectiveSpec? Objective = null, double L2 = 0)
{
    /// <summary>The model for <paramref name="training"/>: its image shape, and its largest label + 1 classes.</summary>
    public static ModelSpec For(ModelKind kind, ImageSet training, TorchScriptFile? script = null, ObjectiveSpec? objective = null, double l2 = 0) =>
        new(kind, training.Shape, training.Classes, script, objective, l2);

    /// <summary>The model for CIFAR-100's fine labels (3×32×32, 100 classes).</summary>
    public static ModelSpec Cifar100(ModelKind kind) => new(kind, ImageShape.Cifar, 100);

    public override string ToString() => Objective is { } f ? $"objective {f}"
        : $"{ModelZoo.Name(Kind)}{(Script is null ? "" : $" {Script}")} ({Input} → {Classes} classes)" + (L2 > 0 ? FormattableString.Invariant($", L2 term {L2}/2·‖x‖²") : "");
}

/// <summary>A built network: the module that owns its parameters, and its forward pass (a zoo module, or a loaded TorchScript one).</summary>
public sealed class Network(nn.Module module, Func<Tensor, Tensor> forward) : IDisposable
{
    public nn.Module Module { get; } = module;

    public Tensor Forward(Tensor images) => forward(images);

    public void Dispose() => Module.Dispose();
}

/// <summary>
/// The models every replica builds identically (SPEC §11). Normalisation is GroupNorm only — no
/// running statistics to drift apart between replicas — and every parameter is set explicitly by
/// <see cref="ParameterInit"/>, never left to a module default.
/// Input channels and the output width come from the data (<see cref="ModelSpec"/>); the counts
/// below are for CIFAR-100's 3×32×32 images and 100 classes.
/// <list type="bullet">
/// <item><c>logistic</c>: multinomial logistic regression, C·H·W → classes, one linear layer (0.31 M).</item>
/// <item><c>mlp</c>: C·H·W → 128 → 128 → classes, ReLU (0.42 M parameters).</item>
/// <item><c>cnn-small</c> (CPU default): four 3×3 conv + GroupNorm(8) + ReLU layers of 32, 64, 128,
///   128 channels (stride 1, 2, 2, 2), global average pool, linear to the classes (0.25 M).</item>
/// <item><c>resnet18</c>: the CIFAR ResNet-18 (3×3 stem, no max-pool, stages 64–512 of two basic
///   blocks), GroupNorm(32) (11.2 M).</item>
/// <item><c>resnet50</c>: the CIFAR ResNet-50 (bottlenecks 3-4-6-3, width 64–512, expansion 4),
///   GroupNorm(32) — the seeds' distributed model, for GPU hosts (23.7 M).</item>
/// </list>
/// </summary>
public static class ModelZoo
{
    public static string Name(ModelKind kind) => Spellings.Model.Of(kind);

    /// <summary>d, the number of parameters of <paramref name="spec"/> (builds the module once, without initialising it).</summary>
    public static int Dimension(ModelSpec spec)
    {
        using var network = Build(spec);
        return new ParameterLayout(network.Module).Length;
    }

    /// <summary>The network of <paramref name="spec"/>: a zoo module (<see cref="Create"/>), or the TorchScript file's module as saved.</summary>
    public static Network Build(ModelSpec spec)
    {
        if (spec.Kind == ModelKind.Objective)
            return new Network(new ObjectiveModule((spec.Objective ?? throw new ArgumentException("model objective without its function", nameof(spec))).Dimension),
                _ => throw new InvalidOperationException("an objective has no forward pass: FlatModel computes f and ∇f in closed form"));
        if (spec.Kind != ModelKind.TorchScript) { var zoo = Create(spec); return new Network(zoo, zoo.forward); }
        var script = (spec.Script ?? throw new ArgumentException("model torchscript without its file", nameof(spec))).Load();
        return new Network(script, images => TorchScriptFile.Forward(script, images));
    }

    /// <summary>A zoo module (not initialised: <see cref="ParameterInit"/> sets every parameter).</summary>
    public static Module<Tensor, Tensor> Create(ModelSpec spec)
    {
        if (spec.Classes < 2) throw new ArgumentOutOfRangeException(nameof(spec), $"a classifier needs at least 2 classes, the data has {spec.Classes}");
        int channels = spec.Input.Channels, classes = spec.Classes;
        return spec.Kind switch
        {
            ModelKind.Logistic => Sequential(("flatten", Flatten()), ("fc", Linear(spec.Input.Bytes, classes))),
            ModelKind.Mlp => Sequential(
                ("flatten", Flatten()),
                ("fc1", Linear(spec.Input.Bytes, 128)), ("relu1", ReLU()),
                ("fc2", Linear(128, 128)), ("relu2", ReLU()),
                ("fc3", Linear(128, classes))),
            ModelKind.CnnSmall => Sequential(
                ("conv1", Conv2d(channels, 32, 3, stride: 1, padding: 1, bias: false)), ("norm1", GroupNorm(8, 32)), ("relu1", ReLU()),
                ("conv2", Conv2d(32, 64, 3, stride: 2, padding: 1, bias: false)), ("norm2", GroupNorm(8, 64)), ("relu2", ReLU()),
                ("conv3", Conv2d(64, 128, 3, stride: 2, padding: 1, bias: false)), ("norm3", GroupNorm(8, 128)), ("relu3", ReLU()),
                ("conv4", Conv2d(128, 128, 3, stride: 2, padding: 1, bias: false)), ("norm4", GroupNorm(8, 128)), ("relu4", ReLU()),
                ("pool", AdaptiveAvgPool2d(1)), ("flatten", Flatten()),
                ("fc", Linear(128, classes))),
            ModelKind.ResNet18 => new ResNet("resnet18", bottleneck: false, new[] { 2, 2, 2, 2 }, channels, classes),
            ModelKind.ResNet50 => new ResNet("resnet50", bottleneck: true, new[] { 3, 4, 6, 3 }, channels, classes),
            ModelKind.TorchScript or ModelKind.Objective => throw new ArgumentException($"{Name(spec.Kind)}: not a zoo module (ModelZoo.Build)", nameof(spec)),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), $"unknown model kind {spec.Kind}"),
        };
    }

    internal static Module<Tensor, Tensor> Norm(long channels) => GroupNorm(Math.Min(32, channels), channels);

    /// <summary>A residual block's projection (1×1 conv + norm) where its shape changes; none (identity) otherwise.</summary>
    internal static Module<Tensor, Tensor>? Shortcut(long input, long output, long stride) =>
        stride == 1 && input == output ? null : new Projection(input, output, stride);
}

/// <summary>An objective's parameters: the one vector x of d coordinates (f and ∇f are closed forms, not a graph).</summary>
internal sealed class ObjectiveModule : nn.Module
{
    readonly TorchSharp.Modules.Parameter x;

    public ObjectiveModule(int dimension) : base("objective")
    {
        x = new TorchSharp.Modules.Parameter(zeros(dimension));
        RegisterComponents();
    }
}

/// <summary>
/// The shortcut projection: a 1×1 convolution with stride s, then the norm. It is computed as
/// the stride-1 convolution of the input sampled at every s-th row and column, which is the same
/// function. libtorch 2.10's oneDNN crashes with SIGFPE (integer division by zero in
/// <c>brgemm_convolution_bwd_utils::brg_blocking_t::est_eff_1x1</c>) on the backward pass of
/// resnet50's strided 1×1 convolutions on AVX-512 hosts; sampling first avoids that kernel.
/// </summary>
internal sealed class Projection : Module<Tensor, Tensor>
{
    readonly Module<Tensor, Tensor> conv, norm;
    readonly long _stride;

    public Projection(long input, long output, long stride) : base("projection")
    {
        conv = Conv2d(input, output, 1, bias: false);
        norm = ModelZoo.Norm(output);
        _stride = stride;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        if (_stride != 1)
        {
            var every = TensorIndex.Slice(null, null, _stride);
            x = x[TensorIndex.Colon, TensorIndex.Colon, every, every];
        }
        return norm.forward(conv.forward(x));
    }
}

/// <summary>The CIFAR ResNet: 3×3 stem, four stages (64, 128, 256, 512; stride 1, 2, 2, 2), pool, linear.</summary>
internal sealed class ResNet : Module<Tensor, Tensor>
{
    readonly Module<Tensor, Tensor> stem, stemNorm, stages, fc;

    public ResNet(string name, bool bottleneck, int[] blocks, int inputChannels, int classes) : base(name)
    {
        stem = Conv2d(inputChannels, 64, 3, stride: 1, padding: 1, bias: false);
        stemNorm = ModelZoo.Norm(64);
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        long channels = 64;
        int expansion = bottleneck ? 4 : 1;
        for (int stage = 0; stage < 4; stage++)
        {
            long width = 64L << stage;
            for (int b = 0; b < blocks[stage]; b++)
            {
                long stride = stage > 0 && b == 0 ? 2 : 1;
                layers.Add(($"stage{stage + 1}_block{b + 1}", bottleneck
                    ? new Bottleneck("bottleneck", channels, width, stride)
                    : new BasicBlock("basic", channels, width, stride)));
                channels = width * expansion;
            }
        }
        stages = Sequential(layers);
        fc = Linear(channels, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var h = functional.relu(stemNorm.forward(stem.forward(x)));
        h = stages.forward(h);
        h = functional.adaptive_avg_pool2d(h, 1).flatten(1);
        return fc.forward(h);
    }
}

internal sealed class BasicBlock : Module<Tensor, Tensor>
{
    readonly Module<Tensor, Tensor> conv1, norm1, conv2, norm2;
    readonly Module<Tensor, Tensor>? shortcut;

    public BasicBlock(string name, long input, long width, long stride) : base(name)
    {
        conv1 = Conv2d(input, width, 3, stride: stride, padding: 1, bias: false);
        norm1 = ModelZoo.Norm(width);
        conv2 = Conv2d(width, width, 3, stride: 1, padding: 1, bias: false);
        norm2 = ModelZoo.Norm(width);
        shortcut = ModelZoo.Shortcut(input, width, stride);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var h = functional.relu(norm1.forward(conv1.forward(x)));
        h = norm2.forward(conv2.forward(h));
        return functional.relu(h + (shortcut is null ? x : shortcut.forward(x)));
    }
}

internal sealed class Bottleneck : Module<Tensor, Tensor>
{
    readonly Module<Tensor, Tensor> conv1, norm1, conv2, norm2, conv3, norm3;
    readonly Module<Tensor, Tensor>? shortcut;

    public Bottleneck(string name, long input, long width, long stride) : base(name)
    {
        long output = width * 4;
        conv1 = Conv2d(input, width, 1, bias: false);
        norm1 = ModelZoo.Norm(width);
        conv2 = Conv2d(width, width, 3, stride: stride, padding: 1, bias: false);
        norm2 = ModelZoo.Norm(width);
        conv3 = Conv2d(width, output, 1, bias: false);
        norm3 = ModelZoo.Norm(output);
        shortcut = ModelZoo.Shortcut(input, output, stride);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var h = functional.relu(norm1.forward(conv1.forward(x)));
        h = functional.relu(norm2.forward(conv2.forward(h)));
        h = norm3.forward(conv3.forward(h));
        return functional.relu(h + (shortcut is null ? x : shortcut.forward(x)));
    }
}
