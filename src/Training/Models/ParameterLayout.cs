using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SignActors.Training.Models;

/// <summary>One parameter's place in the flat vector.</summary>
public sealed record ParameterSlot(string Name, long Offset, long[] Shape)
{
    public long Length => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// The flat parameter vector's layout: the module's <c>named_parameters()</c> order (registration
/// order, depth first — the order the model code declares them), each parameter contiguous and
/// row-major at its offset, no gaps. Every replica builds the same modules, so the same layout.
/// Only parameters that require grad are trained, so only they are laid out (a TorchScript file's
/// frozen ones stay as saved; every zoo parameter is trained).
/// </summary>
public sealed class ParameterLayout
{
    public ParameterLayout(nn.Module module)
    {
        long offset = 0;
        var slots = new List<ParameterSlot>();
        foreach (var (name, p) in Trained(module))
        {
            var slot = new ParameterSlot(name, offset, p.shape.ToArray());
            slots.Add(slot);
            offset += slot.Length;
        }
        if (offset > int.MaxValue) throw new NotSupportedException($"{offset:N0} parameters: the flat vector holds at most 2^31 − 1");
        Slots = slots;
        Length = (int)offset;
        Ends = slots.Select(s => (int)(s.Offset + s.Length)).ToArray();
    }

    /// <summary>Where each parameter tensor ends in the flat vector (exclusive), in layout order; the last is d.</summary>
    public int[] Ends { get; }

    public IReadOnlyList<ParameterSlot> Slots { get; }

    /// <summary>d, the total number of parameters.</summary>
    public int Length { get; }

    /// <summary>The parameters the flat vector holds, in layout order.</summary>
    public static IEnumerable<(string Name, Parameter Parameter)> Trained(nn.Module module) =>
        module.named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter));

    public ParameterSlot this[string name] => Slots.FirstOrDefault(s => s.Name == name) ?? throw new KeyNotFoundException($"no parameter '{name}'");
}
