using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using HandlebarsDotNet;

namespace ScenarioEngine.Channels;

/// <summary>Whether rendered values are HTML-escaped (email HTML) or written as they are (text, LINE, JSON, CSV).</summary>
public enum TemplateKind
{
    /// <summary>Values in <c>{{ }}</c> are HTML-escaped; <c>{{{ }}}</c> writes them raw.</summary>
    Html,

    /// <summary>Values are written as they are.</summary>
    Text,
}

/// <summary>Settings of a <see cref="TemplateRenderer"/>.</summary>
public sealed class TemplateRendererOptions
{
    /// <summary>How many compiled templates to keep; the cache is cleared when it grows past this. Defaults to 1,024.</summary>
    public int MaxCachedTemplates { get; set; } = 1024;
}

/// <summary>The message template syntax is invalid (an unclosed block, a stray closing tag, an unterminated tag).</summary>
public sealed class TemplateSyntaxException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public TemplateSyntaxException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Renders Handlebars message templates over the engine's data (profile, event, computed values), compiling each
/// template text once, and finds placeholders the data cannot supply before a message is published.
/// </summary>
public sealed class TemplateRenderer
{
    private static readonly string[] BuiltInHelpers = ["if", "unless", "each", "with", "lookup", "log"];

    private readonly TemplateRendererOptions _options;
    private readonly IHandlebars _html;
    private readonly IHandlebars _text;
    private readonly ConcurrentDictionary<(TemplateKind Kind, string Text), HandlebarsTemplate<object, object>> _cache = new();
    private readonly ConcurrentDictionary<string, byte> _helperNames = new(StringComparer.Ordinal);

    /// <summary>Creates a renderer with its own Handlebars environments (one escaping, one not).</summary>
    public TemplateRenderer(TemplateRendererOptions? options = null)
    {
        _options = options ?? new TemplateRendererOptions();
        _html = Handlebars.Create(new HandlebarsConfiguration { FormatProvider = CultureInfo.InvariantCulture });
        _text = Handlebars.Create(new HandlebarsConfiguration { FormatProvider = CultureInfo.InvariantCulture, NoEscape = true });
        foreach (var name in BuiltInHelpers)
        {
            _helperNames[name] = 0;
        }
    }

    /// <summary>The number of compiled templates currently cached.</summary>
    public int CachedTemplateCount => _cache.Count;

    /// <summary>Registers a value helper usable as <c>{{name arg1 arg2}}</c> in both kinds of template.</summary>
    /// <remarks>Register helpers before rendering; <see cref="FindMissingPlaceholders"/> then treats the name as a helper, not a path.</remarks>
    public void RegisterHelper(string name, Func<IReadOnlyList<object?>, object?> helper)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(helper);
        HandlebarsReturnHelper adapter = (Context _, Arguments arguments) =>
        {
            var values = new object?[arguments.Length];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = arguments[i];
            }

            return helper(values)!;
        };
        _html.RegisterHelper(name, adapter);
        _text.RegisterHelper(name, adapter);
        _helperNames[name] = 0;
        _cache.Clear();
    }

    /// <summary>Renders <paramref name="template"/> over <paramref name="data"/>; missing values render empty.</summary>
    /// <exception cref="TemplateSyntaxException">The template does not parse.</exception>
    public string Render(string template, IReadOnlyDictionary<string, object?> data, TemplateKind kind = TemplateKind.Html)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(data);
        var compiled = GetCompiled(template, kind);
        try
        {
            return compiled(Normalize(data)!);
        }
        catch (HandlebarsException ex)
        {
            throw new TemplateSyntaxException($"The template could not be rendered: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Every data path the template reads, in order of first use, with <c>[]</c> marking an array item
    /// (<c>recommendations[].title</c> inside <c>{{#each recommendations}}</c>); helper names, <c>this</c> and
    /// <c>@index</c>-style variables are left out.
    /// </summary>
    /// <exception cref="TemplateSyntaxException">The template's blocks are unbalanced or a tag is unterminated.</exception>
    public IReadOnlyList<string> FindPlaceholders(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return TemplatePlaceholderScanner.Scan(template, name => _helperNames.ContainsKey(name));
    }

    /// <summary>
    /// The placeholder paths of <paramref name="template"/> (see <see cref="FindPlaceholders"/>) that
    /// <paramref name="availablePaths"/> cannot supply, so publishing can reject a message that would render a blank.
    /// </summary>
    /// <param name="template">The template text.</param>
    /// <param name="availablePaths">
    /// Dotted paths the data will hold (<c>profile.firstName</c>, <c>recommendations[].title</c>; the <c>[]</c> marker is
    /// optional). A path is available when listed, or when a listed path lies below it (an object or array in use).
    /// <see cref="PathsOf"/> lists the paths of a sample data object.
    /// </param>
    public IReadOnlyList<string> FindMissingPlaceholders(string template, IEnumerable<string> availablePaths)
    {
        ArgumentNullException.ThrowIfNull(availablePaths);
        var available = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in availablePaths)
        {
            var normal = StripArrayMarkers(path);
            available.Add(normal);
            // Every ancestor of an available path is itself available (an object or array that has members).
            for (var dot = normal.LastIndexOf('.'); dot > 0; dot = normal.LastIndexOf('.', dot - 1))
            {
                available.Add(normal[..dot]);
            }
        }

        return FindPlaceholders(template).Where(p => !available.Contains(StripArrayMarkers(p))).ToList();
    }

    /// <summary>Lists every path of a data object (objects, arrays with <c>[]</c>, and leaves), for <see cref="FindMissingPlaceholders"/>.</summary>
    public static IReadOnlyList<string> PathsOf(IReadOnlyDictionary<string, object?> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        Collect(Normalize(data), prefix: null, paths);
        return paths.ToList();
    }

    private HandlebarsTemplate<object, object> GetCompiled(string template, TemplateKind kind)
    {
        if (_cache.TryGetValue((kind, template), out var cached))
        {
            return cached;
        }

        if (_cache.Count >= _options.MaxCachedTemplates)
        {
            _cache.Clear();
        }

        try
        {
            return _cache.GetOrAdd((kind, template), key => (key.Kind == TemplateKind.Html ? _html : _text).Compile(key.Text));
        }
        catch (HandlebarsException ex)
        {
            throw new TemplateSyntaxException($"The template does not parse: {ex.Message}", ex);
        }
    }

    private static string StripArrayMarkers(string path) => path.Replace("[]", string.Empty, StringComparison.Ordinal);

    private static void Collect(object? value, string? prefix, SortedSet<string> paths)
    {
        switch (value)
        {
            case Dictionary<string, object?> map:
                foreach (var (key, child) in map)
                {
                    var path = prefix is null ? key : prefix + "." + key;
                    paths.Add(path);
                    Collect(child, path, paths);
                }

                break;

            case List<object?> list when prefix is not null:
                paths.Add(prefix + "[]");
                foreach (var item in list)
                {
                    Collect(item, prefix + "[]", paths);
                }

                break;
        }
    }

    /// <summary>
    /// Copies the data into plain dictionaries and lists (from read-only dictionaries, JSON elements and other
    /// sequences) so Handlebars resolves members the same way whatever shape the caller built.
    /// </summary>
    private static object? Normalize(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case string or bool or char or DateTime or DateTimeOffset or Guid or TimeSpan:
                return value;
            case JsonElement json:
                return NormalizeJson(json);
            case IReadOnlyDictionary<string, object?> readOnlyMap:
                return readOnlyMap.ToDictionary(kv => kv.Key, kv => Normalize(kv.Value), StringComparer.Ordinal);
            case IDictionary<string, object?> map:
                return map.ToDictionary(kv => kv.Key, kv => Normalize(kv.Value), StringComparer.Ordinal);
            case IDictionary legacyMap:
                var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (DictionaryEntry entry in legacyMap)
                {
                    copy[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty] = Normalize(entry.Value);
                }

                return copy;
            case IEnumerable sequence:
                return sequence.Cast<object?>().Select(Normalize).ToList();
            default:
                return value;
        }
    }

    private static object? NormalizeJson(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Object => json.EnumerateObject().ToDictionary(p => p.Name, p => NormalizeJson(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => json.EnumerateArray().Select(NormalizeJson).ToList(),
        JsonValueKind.String => json.GetString(),
        JsonValueKind.Number => json.TryGetInt64(out var whole) ? whole : json.TryGetDecimal(out var exact) ? exact : json.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
