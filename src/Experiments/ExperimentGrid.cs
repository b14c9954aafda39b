using Akka.Configuration;
using Akka.Configuration.Hocon;
using SignActors.Runtime.Configuration;

namespace SignActors.Experiments;

/// <summary>A setting of a run: a key under <c>signactors</c> and its HOCON value.</summary>
public readonly record struct Setting(string Key, string Hocon);

/// <summary>
/// One run of a grid: its folder name, its method label (every axis but the seed), its settings
/// and each axis's value (a variant axis's label).
/// </summary>
public sealed record GridRun(string Name, string Cell, IReadOnlyList<Setting> Settings, IReadOnlyDictionary<string, string> Axes);

/// <summary>One value of an axis: its label, its part of a folder name, the settings it sets, and (a variant's <c>tune</c>) its own tuning grid.</summary>
public sealed record GridValue(string Label, string Folder, IReadOnlyList<Setting> Settings, IReadOnlyList<GridAxis>? Tune = null);

/// <summary>An axis: a key (or a variant axis's name) and its values.</summary>
public sealed record GridAxis(string Key, IReadOnlyList<GridValue> Values);

/// <summary>
/// The axes of an experiment's <c>grid</c> (or a tuning grid) and their cartesian product. A plain
/// axis is a key under <c>signactors</c> with a list of values, <c>seed = [1, 2, 3]</c>; an axis of
/// objects is a variant axis, each object a labelled bundle of settings that vary together,
/// <c>method = [ { label = "sgd", algorithm.preset = sgd, learning-rate.initial = 0.05 }, … ]</c>,
/// which may carry a <c>tune { … }</c> grid of its own for the tuning stage.
/// </summary>
public static class ExperimentGrid
{
    public const string SeedAxis = "seed";

    /// <summary>The axes declared under <paramref name="path"/>, in declaration order.</summary>
    /// <param name="display">How the section is named in messages, when not by its path.</param>
    public static IReadOnlyList<GridAxis> Axes(Config config, string path, string? display = null)
    {
        var grid = config.GetValue(path);
        path = display ?? path;
        if (grid is null || !grid.IsObject()) throw new ConfigurationException($"{path} must be a section of keys, each with a list of values");
        var known = ConfigKeys.SettingPaths(RunConfig.Reference);
        var axes = new List<GridAxis>();
        foreach (var (key, value) in Leaves(grid))
        {
            if (value.IsString() || value.IsObject()) throw new ConfigurationException($"{path}.{key} must be a list of values, like [1, 2, 3]");
            var items = value.GetArray();
            if (items.Count == 0) throw new ConfigurationException($"{path}.{key} is an empty list");
            if (items.All(v => v.IsObject())) axes.Add(new GridAxis(key, items.Select((v, i) => Variant($"{path}.{key}[{i}]", key, i, v, known)).ToArray()));
            else
            {
                CheckKnown($"{path}: unknown key {key}", key, known);
                axes.Add(new GridAxis(key, items.Select(v => new GridValue(v.GetString(), $"{Short(key)}-{Sanitise(v.GetString())}", new[] { new Setting(key, ConfigKeys.Inline(v)) })).ToArray()));
            }
        }
        if (axes.Count == 0) throw new ConfigurationException($"{path} declares no axis");
        return axes;
    }

    /// <summary>Every combination of one value per axis, in declaration order (the last axis varies fastest).</summary>
    public static IReadOnlyList<IReadOnlyList<(string Axis, GridValue Value)>> Product(IEnumerable<GridAxis> axes)
    {
        IReadOnlyList<IReadOnlyList<(string Axis, GridValue Value)>> product = new[] { Array.Empty<(string, GridValue)>() };
        foreach (var axis in axes)
            product = product.SelectMany(p => axis.Values.Select(v => (IReadOnlyList<(string, GridValue)>)p.Append((axis.Key, v)).ToArray())).ToArray();
        return product;
    }

    /// <summary>Every combination of one value per axis, as runs.</summary>
    public static IReadOnlyList<GridRun> Runs(IReadOnlyList<GridAxis> axes) =>
        Product(axes).Select(choice => new GridRun(
            string.Join("_", choice.Select(c => c.Value.Folder)),
            CellOf(choice.Where(c => c.Axis != SeedAxis).Select(c => (c.Axis, c.Value.Label))),
            choice.SelectMany(c => c.Value.Settings).ToArray(),
            choice.ToDictionary(c => c.Axis, c => c.Value.Label))).ToArray();

    /// <summary>A cell's label: "axis=value" for each axis given, or "all".</summary>
    public static string CellOf(IEnumerable<(string Axis, string Label)> values) =>
        values.Any() ? string.Join(" ", values.Select(v => $"{Short(v.Axis)}={v.Label}")) : "all";

    /// <summary>The settings of a section, flattened to keys under <c>signactors</c>, each checked against reference.conf.</summary>
    public static IReadOnlyList<Setting> Settings(Config config, string path)
    {
        var section = config.GetValue(path);
        if (section is null) return Array.Empty<Setting>();
        if (!section.IsObject()) throw new ConfigurationException($"{path} must be a section of signactors settings");
        var known = ConfigKeys.SettingPaths(RunConfig.Reference);
        return Leaves(section).Select(s =>
        {
            CheckKnown($"{path}: unknown key {s.Key}", s.Key, known);
            return new Setting(s.Key, ConfigKeys.Inline(s.Value));
        }).ToArray();
    }

    static GridValue Variant(string name, string axis, int index, HoconValue bundle, IReadOnlySet<string> known)
    {
        var settings = new List<Setting>();
        string label = $"{index + 1}";
        IReadOnlyList<GridAxis>? tune = null;
        foreach (var (key, value) in bundle.GetObject().Items)
        {
            if (key == "label") { label = value.GetString(); continue; }
            if (key == "tune")
            {
                tune = Axes(new Config(new HoconRoot(bundle)), "tune", $"{name}.tune");
                continue;
            }
            foreach (var (leaf, leafValue) in value.IsObject() ? Leaves(value, key) : new[] { (key, value) })
            {
                CheckKnown($"{name}: unknown key {leaf}", leaf, known);
                settings.Add(new Setting(leaf, ConfigKeys.Inline(leafValue)));
            }
        }
        return new GridValue(label, $"{Short(axis)}-{Sanitise(label)}", settings, tune);
    }

    static void CheckKnown(string message, string key, IReadOnlySet<string> known)
    {
        if (known.Contains($"{ConfigKeys.Root}.{key}") || $"{ConfigKeys.Root}.{key}".StartsWith(ConfigKeys.PluginBlock + ".", StringComparison.Ordinal)) return; // a plugin's keys are its own
        throw new ConfigurationException(message + (ConfigKeys.Closest($"{ConfigKeys.Root}.{key}", known) is { } near ? $"; did you mean {near[(ConfigKeys.Root.Length + 1)..]}?" : ""));
    }

    /// <summary>Dotted keys down to the first value that is not a section (lists, of fault entries too, are values).</summary>
    static IEnumerable<(string Key, HoconValue Value)> Leaves(HoconValue value, string prefix = "")
    {
        foreach (var (key, child) in value.GetObject().Items)
        {
            string path = prefix.Length == 0 ? key : $"{prefix}.{key}";
            if (child.IsObject()) foreach (var leaf in Leaves(child, path)) yield return leaf;
            else yield return (path, child);
        }
    }

    public static string Short(string key) => key[(key.LastIndexOf('.') + 1)..];

    public static string Sanitise(string value) => new(value.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' ? c : '-').ToArray());
}
