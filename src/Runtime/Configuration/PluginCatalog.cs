using System.Reflection;
using System.Runtime.Loader;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using SignActors.Node.Compressors;
using SignActors.Node.Estimators;
using SignActors.Server.Aggregators;
using SignActors.Training.Algorithms;

namespace SignActors.Runtime.Configuration;

/// <summary>
/// The plugin assemblies a run names (<c>signactors.plugins</c>), loaded into the default context
/// so their types implement the same interfaces the runtime holds, and the components they supply
/// by type name. Every host of a run reads its config, so every host loads them. Each failure is a
/// <see cref="ConfigurationException"/> of one line naming the file or the type.
/// </summary>
public sealed class PluginCatalog
{
    static readonly Dictionary<string, Assembly> Loaded = new();
    readonly Assembly[] _assemblies;
    readonly PluginSettings _settings;

    PluginCatalog(Assembly[] assemblies, PluginSettings settings) => (_assemblies, _settings) = (assemblies, settings);

    /// <summary>A component key names a plugin type when its value has a dot or a comma (the built-ins' names have neither).</summary>
    public static bool NamesType(string value) => value.Contains('.') || value.Contains(',');

    public static PluginCatalog Read(Config root)
    {
        var paths = root.GetValue("signactors.plugins") is { } list && list.IsArray() ? list.GetArray().Select(v => v.GetString()).ToArray() : [];
        var assemblies = paths.Select(Load).ToArray();
        return new PluginCatalog(assemblies, Settings(root.GetValue(ConfigKeys.PluginBlock)));
    }

    /// <summary>A plugin's settings block, flattened to dotted keys.</summary>
    static PluginSettings Settings(HoconValue? block)
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (block is not null && block.IsObject()) Flatten(block.GetObject(), "", values);
        return new PluginSettings(values);
    }

    static Assembly Load(string path)
    {
        string full = Path.GetFullPath(Runtime.Configuration.DataSettings.ExpandHome(path));
        lock (Loaded)
        {
            if (Loaded.TryGetValue(full, out var known)) return known;
            if (!File.Exists(full)) throw new ConfigurationException($"signactors.plugins: {path} does not exist");
            try { return Loaded[full] = AssemblyLoadContext.Default.LoadFromAssemblyPath(full); }
            catch (BadImageFormatException) { throw new ConfigurationException($"signactors.plugins: {path} is not a .NET assembly"); }
        }
    }

    static void Flatten(HoconObject block, string prefix, IDictionary<string, string> values)
    {
        foreach (var (key, value) in block.Items)
            if (value.IsObject()) Flatten(value.GetObject(), prefix + key + ".", values);
            else values[prefix + key] = value.IsString() ? value.GetString() : ConfigKeys.Inline(value);
    }

    /// <summary>The estimator type <paramref name="name"/> names (key algorithm.estimator), with its declaration.</summary>
    /// <summary>The attack type <paramref name="name"/> names (a fault entry's attack), with its settings from the entry's <paramref name="block"/>.</summary>
    public PluginComponent Attack(string name, string entry, HoconValue? block)
    {
        var settings = Settings(block);
        return Component<Training.Faults.Attacks.IAttack>(name, $"{entry}.attack = \"{name}\"", "src/Training/Faults/Attacks/IAttack.cs", [settings], a => a.Knows, settings);
    }

    public PluginComponent Estimator(string name) =>
        Component<IGradientEstimator>(name, "estimator", "src/Node/Estimators/IGradientEstimator.cs", [1, _settings], e => e.Declaration);

    public PluginComponent Uplink(string name) =>
        Component<IUplinkCompressor>(name, "uplink", "src/Node/Compressors/IUplinkCompressor.cs", [new[] { 1 }, _settings], u => u.Declaration);

    public PluginComponent Aggregator(string name) =>
        Component<IAggregator>(name, "aggregator", "src/Server/Aggregators/IAggregator.cs", [_settings], a => a.Declaration);

    PluginComponent Component<T>(string name, string key, string contract, object[] arguments, Func<T, object> declaration, PluginSettings? settings = null) where T : class
    {
        string setting = key.Contains('=') ? key : $"signactors.algorithm.{key} = \"{name}\"";
        if (_assemblies.Length == 0) throw new ConfigurationException($"{setting} names a type, but signactors.plugins names no assembly to find it in");
        string typeName = name.Split(',')[0].Trim();
        string? assemblyName = name.Contains(',') ? name[(name.IndexOf(',') + 1)..].Trim() : null;
        var type = _assemblies.Where(a => assemblyName is null || a.GetName().Name == assemblyName).Select(a => a.GetType(typeName)).FirstOrDefault(t => t is not null)
            ?? throw new ConfigurationException($"{setting}: no type {typeName} in {string.Join(", ", _assemblies.Where(a => assemblyName is null || a.GetName().Name == assemblyName).Select(a => Path.GetFileName(a.Location)).DefaultIfEmpty($"the plugins (none is {assemblyName})"))}");
        if (!typeof(T).IsAssignableFrom(type) || type.IsAbstract)
            throw new ConfigurationException($"{setting}: {type.FullName} does not implement {typeof(T).Name} ({contract})");
        var version = type.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? type.Assembly.GetName().Version?.ToString() ?? "0";
        var component = new PluginComponent(type, version, settings ?? _settings, null!);
        T instance;
        try { instance = component.Create<T>(arguments); }
        catch (MissingMethodException) { throw new ConfigurationException($"{setting}: {type.FullName} has no public constructor ({string.Join(", ", arguments.Select(a => a.GetType().Name))}) ({contract})"); }
        catch (TargetInvocationException e) when (e.InnerException is ArgumentException bad) { throw new ConfigurationException($"{setting}: {bad.Message.Split(" (Parameter")[0]}"); }
        return component with { Declaration = declaration(instance) };
    }
}
