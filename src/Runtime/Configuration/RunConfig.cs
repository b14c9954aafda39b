using System.Reflection;
using Akka.Configuration;

namespace SignActors.Runtime.Configuration;

/// <summary>Loads a user's HOCON over the embedded reference.conf (Akka's fallback pattern).</summary>
public static class RunConfig
{
    public const string ResourceName = "SignActors.reference.conf";

    public static Config Reference { get; } = LoadReference();

    static Config LoadReference() => ConfigurationFactory.ParseString(ReadResource(ResourceName));

    /// <summary>The text of an embedded resource of this build.</summary>
    public static string ReadResource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// A setting that a domain type rejected, as one line: the key, then the type's message
    /// without the " (Parameter 'x')" suffix .NET appends.
    /// </summary>
    public static ConfigurationException Invalid(string key, ArgumentException e) =>
        new(key.Length == 0 ? Message(e) : $"{key}: {Message(e)}");

    static string Message(ArgumentException e) => e.Message.Split(" (Parameter")[0];

    /// <summary>The user's file (if any) with reference.conf as fallback.</summary>
    public static Config Load(string? path, params string[] extraRoots)
    {
        if (path is null) return Reference;
        if (!File.Exists(path)) throw new ConfigurationException($"config file {path} does not exist");
        var user = HoconFile.Load(path);
        ConfigKeys.Check(user, Reference, extraRoots);
        return user.WithFallback(Reference);
    }
}
