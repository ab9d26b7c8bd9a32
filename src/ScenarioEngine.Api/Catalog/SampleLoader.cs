using Microsoft.Extensions.Options;
using ScenarioEngine.Core.Language;
using ScenarioEngine.Api.Endpoints;
using ScenarioEngine.Api.Settings;
using ScenarioEngine.Runtime.Engine;

namespace ScenarioEngine.Api.Catalog;

/// <summary>What loading the samples did.</summary>
public sealed record SampleLoadResult(int Messages, int Published, int Unchanged, IReadOnlyList<string> Skipped, int Segments = 0);

/// <summary>
/// Loads samples/messages/*.json and samples/segments/*.json and publishes samples/journeys/*.json through the same
/// validation as the API. A journey whose latest published version has the same text is left alone, so restarts do not
/// pile up versions; a message or segment whose stored text is the same is not rewritten.
/// </summary>
public sealed class SampleLoader(DefinitionStore definitions, JourneyEngine engine, PublishChecks checks, IOptions<SamplesOptions> options, ILogger<SampleLoader> logger)
{
    /// <summary>The samples folder the settings name (default ./samples).</summary>
    public string Folder => Path.GetFullPath(string.IsNullOrWhiteSpace(options.Value.Path) ? "samples" : options.Value.Path);

    /// <summary>Loads every sample message, segment and journey.</summary>
    public async Task<SampleLoadResult> LoadAsync(CancellationToken cancellationToken = default)
    {
        var folder = Folder;
        if (!Directory.Exists(folder))
        {
            Log.SamplesMissing(logger, folder);
            return new SampleLoadResult(0, 0, 0, []);
        }

        var skipped = new List<string>();
        var messages = 0;
        foreach (var file in Files(Path.Combine(folder, "messages")))
        {
            var json = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
            var parsed = MessageParser.Parse(json);
            var errors = parsed.Errors.Concat(parsed.Value is null ? [] : checks.CheckMessage(parsed.Value)).ToList();
            if (errors.Count > 0 || parsed.Value is null)
            {
                Skip(file, errors);
                continue;
            }

            var stored = await definitions.GetMessageAsync(parsed.Value.Id, cancellationToken).ConfigureAwait(false);
            if (stored?.Json != json)
            {
                await definitions.PutMessageAsync(parsed.Value.Id, json, cancellationToken).ConfigureAwait(false);
            }

            messages++;
        }

        // Segments are stored as PUT /api/segments/{id} stores them: validated by SegmentParser (reserved RFM ids refused).
        var segments = 0;
        foreach (var file in Files(Path.Combine(folder, "segments")))
        {
            var json = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
            var parsed = SegmentParser.Parse(json, Runtime.Engine.Catalog.ReservedSegmentIds);
            if (parsed.Errors.Count > 0 || parsed.Value is null)
            {
                Skip(file, parsed.Errors);
                continue;
            }

            var stored = await definitions.GetSegmentAsync(parsed.Value.Id, cancellationToken).ConfigureAwait(false);
            if (stored?.Json != json)
            {
                await definitions.PutSegmentAsync(parsed.Value.Id, json, cancellationToken).ConfigureAwait(false);
            }

            segments++;
        }

        await definitions.ReloadAsync(cancellationToken).ConfigureAwait(false);
        var published = 0;
        var unchanged = 0;
        foreach (var file in Files(Path.Combine(folder, "journeys")))
        {
            var json = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
            var (journey, parseErrors) = JourneysApi.Validate(json, null, engine.Catalog.Messages);
            var errors = parseErrors.Concat(journey is null ? [] : checks.CheckPlaceholders(journey, engine.Catalog.Messages)).ToList();
            if (errors.Count > 0 || journey is null)
            {
                Skip(file, errors);
                continue;
            }

            var versions = await definitions.GetVersionsAsync(journey.Id, cancellationToken).ConfigureAwait(false);
            if (versions.Count > 0 && versions[^1].Document.Json == json)
            {
                unchanged++;
                continue;
            }

            await definitions.SaveDraftAsync(journey.Id, json, cancellationToken).ConfigureAwait(false);
            await definitions.PublishAsync(journey.Id, json, cancellationToken).ConfigureAwait(false);
            published++;
        }

        await definitions.ReloadAsync(cancellationToken).ConfigureAwait(false);
        Log.SamplesLoaded(logger, messages, published, unchanged);
        return new SampleLoadResult(messages, published, unchanged, skipped, segments);

        void Skip(string file, IReadOnlyList<ValidationError> errors)
        {
            skipped.Add(Path.GetFileName(file));
            Log.SampleInvalid(logger, file, string.Join("; ", errors));
        }
    }

    private static IEnumerable<string> Files(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal) : [];
}
