using System.Globalization;
using System.Text;

namespace SignActors.Training.Algorithms;

/// <summary>
/// A plugin component's own settings: the <c>signactors.algorithm.plugin</c> block, flattened to
/// dotted keys (an experiment grid can vary any of them). A value of the wrong type is an
/// <see cref="ArgumentException"/> naming the key; the run refuses it with one line.
/// </summary>
public sealed class PluginSettings(IReadOnlyDictionary<string, string> values)
{
    public static PluginSettings None { get; } = new(new Dictionary<string, string>());

    public IReadOnlyDictionary<string, string> Values { get; } = values;

    public string String(string key, string fallback) => Values.TryGetValue(key, out var v) ? v : fallback;

    public double Double(string key, double fallback) => !Values.TryGetValue(key, out var v) ? fallback
        : double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && double.IsFinite(x) ? x
        : throw new ArgumentException($"algorithm.plugin.{key} = \"{v}\" is not a finite number");

    public int Int(string key, int fallback) => !Values.TryGetValue(key, out var v) ? fallback
        : int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int x) ? x
        : throw new ArgumentException($"algorithm.plugin.{key} = \"{v}\" is not a whole number");

    /// <summary>The settings in key order, as the run fingerprint holds them.</summary>
    public override string ToString() => string.Join(", ", Values.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} = {p.Value}"));
}

/// <summary>
/// A component a plugin assembly supplies, named by type in the config
/// (<c>algorithm.aggregator = "MyLab.CenteredClip, MyMethods"</c>): the type, its assembly's
/// version, its settings — which the run fingerprint prints, so a checkpoint resumes only under the
/// same build and settings of it — and the declaration the runtime read from it when it was loaded.
/// </summary>
public sealed record PluginComponent(Type Type, string Version, PluginSettings Settings, object Declaration)
{
    public string Name => Type.FullName ?? Type.Name;

    /// <summary>A new instance, its constructor taking <paramref name="arguments"/> (see each interface's plugin contract).</summary>
    public T Create<T>(params object[] arguments) where T : class => (T)Activator.CreateInstance(Type, arguments)!;

    bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Type = {Name}, Version = {Version}, Settings = {{ {Settings} }}");
        return true;
    }
}

/// <summary>The components of an algorithm that plugins supply (null: the built-in the spec names).</summary>
public sealed record PluginChoice(PluginComponent? Estimator = null, PluginComponent? Uplink = null, PluginComponent? Aggregator = null);
