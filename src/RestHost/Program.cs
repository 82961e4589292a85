using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Microsoft.Win32.SafeHandles;
using PrivateFl.ClientSdk;
using PrivateFl.RestHost;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);

// A refused start is printed as one line by RestHostStartup; the host's own "failed to start" entry would add a stack trace.
builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
builder.Services.AddOptions<RestHostOptions>().BindConfiguration(nameof(RestHostOptions)).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<RestHostOptions>, RestHostOptionsValidator>();
builder.Services.AddSingleton(services => new HostSchema(HostSchema.Resolve(services.GetRequiredService<IOptions<RestHostOptions>>().Value.Schema).Schema
    ?? throw new OptionsValidationException(nameof(RestHostOptions), typeof(RestHostOptions), ["RestHostOptions:Schema names no schema."])));
builder.Services.AddOptions<CreditPredictorOptions>().BindConfiguration(nameof(CreditPredictorOptions));
builder.Services.AddPrivateFlClient();
builder.Services.AddOptions<FederatedClientOptions>().ValidateOnStart();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(services => new PredictFields(services.GetRequiredService<HostSchema>().Schema, services.GetRequiredService<IOptions<RestHostOptions>>().Value.ColumnMapping));
builder.Services.AddSingleton<ModelCache>();
builder.Services.AddHostedService<ModelRefresher>();
builder.Services.AddSingleton<TrainingJobs>();
builder.Services.AddRestHostObservability();
builder.Services.AddModelReports();
builder.Services.AddProblemDetails();
// Numbers are written as numbers, and the document says so (bodies are read by RequestFields, not by the serializer).
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict);
builder.Services.AddOpenApi(openApi => RestApiDocument.Configure(openApi));
builder.Services.AddHealthChecks()
    .AddCheck<ServerReadinessCheck>("aggregation-server", tags: ["ready"])
    .AddCheck<ModelReadinessCheck>("model", tags: ["ready"]);

// Kestrel's own limits, set explicitly so that no body larger than the host's limit is ever buffered; the
// handlers check the same limit (RequestFields), which also covers servers without these limits (tests).
builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<RestHostOptions>>((kestrel, options) =>
{
    kestrel.Limits.MaxRequestBodySize = options.Value.MaxRequestBodyBytes;
    kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
});
builder.Services.AddOptions<FormOptions>().Configure<IOptions<RestHostOptions>>((form, options) =>
{
    form.ValueCountLimit = options.Value.MaxRequestFields;
    form.ValueLengthLimit = options.Value.MaxFieldLength;
    form.KeyLengthLimit = options.Value.MaxFieldLength;
    form.MultipartBodyLengthLimit = options.Value.MaxRequestBodyBytes;
});

if (RestHostStartup.TryBuild(builder, Console.Error, out int refused) is not { } app)
{
    return refused;
}

app.UseRestHostObservability();
app.UseExceptionHandler(new ExceptionHandlerOptions
{
    // A request refused by the server itself (a body over Kestrel's limit, a malformed request) keeps its 4xx status.
    StatusCodeSelector = exception => exception is Microsoft.AspNetCore.Http.BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
});

// Routing itself answers 415 for a content type an endpoint does not accept; it gets the same problem document.
app.UseStatusCodePages(context => context.HttpContext.Response.StatusCode == StatusCodes.Status415UnsupportedMediaType
    ? RequestFields.UnsupportedMediaType(context.HttpContext.Request.ContentType ?? "none").ExecuteAsync(context.HttpContext)
    : Results.Problem(statusCode: context.HttpContext.Response.StatusCode).ExecuteAsync(context.HttpContext));
app.MapOpenApi();
app.MapDocsPage();
app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = ReadinessResponse.WriteAsync });

// Routing matches "/fl_train" and "/fl_train/" alike, so the original clients' trailing slash keeps working.
app.MapPost("/fl_train", TrainAsync)
    .WithName("Train")
    .WithTags(RestApiDocument.TrainingTag)
    .WithSummary("Train on a data set of the host's data folder, in the federation's secure rounds.")
    .WithDescription("Checks `addr`, then the one-job-at-a-time rule, then opens and checks the file; training runs in the background (`202`), or with `?wait=true` the call answers when training ends (`200` or `502`).")
    .Accepts<TrainRequest>("application/json", "application/x-www-form-urlencoded")
    .Responds<TrainingReportView>(StatusCodes.Status200OK, "With `?wait=true`: training ended; the report.")
    .Responds<TrainingJob>(StatusCodes.Status202Accepted, "The job started; `Location` is `/fl_train/{id}`, where it can be followed.")
    .RespondsFieldProblem(StatusCodes.Status400BadRequest, "`addr` is refused (not a regular file inside the data folder, too large, does not fit the schema: each problem listed), or the body is malformed.")
    .RespondsProblem(StatusCodes.Status409Conflict, "A training job is running, or another /fl_train request is being checked; no file was read.")
    .RespondsBodyLimits()
    .RespondsProblem(StatusCodes.Status502BadGateway, "With `?wait=true`: training failed (the federation, the server or the session); `detail` says why.")
    .RequireApiKey("Training requires the API key in the X-Api-Key header.")
    .DisableAntiforgery();

app.MapGet("/fl_train/{id:guid}", (Guid id, TrainingJobs jobs) =>
        jobs.Find(id) is { } job ? Results.Ok(job) : Results.Problem(statusCode: 404, title: "No such training job.", detail: $"Training job {id} does not exist."))
    .WithName("TrainingJob")
    .WithTags(RestApiDocument.TrainingTag)
    .WithSummary("The status, progress and report of a training job.")
    .Responds<TrainingJob>(StatusCodes.Status200OK, "The job: status, progress, and the report once it succeeded.")
    .RespondsProblem(StatusCodes.Status404NotFound, "No job has this id (jobs are kept in memory until the host stops).")
    .RequireApiKey("A training job's report carries figures of this bank's data: it requires the API key in the X-Api-Key header.");

app.MapPost("/fl_predict", PredictAsync)
    .AddEndpointFilter<PredictionMetricsFilter>()
    .WithName("Predict")
    .WithTags(RestApiDocument.PredictionTag)
    .WithSummary("Score an applicant of the served schema with the locally cached global model; the applicant never leaves the host.")
    .Accepts<Dictionary<string, string>>("application/json", "application/x-www-form-urlencoded")
    .Responds<PredictionResponse>(StatusCodes.Status200OK, "The probability of good credit, the label, the scorecard score, the reason codes, and the model version with its ε and δ.")
    .RespondsFieldProblem(StatusCodes.Status400BadRequest, "Every bad field in one answer, keyed by the field as given: not a field of the schema, given twice, missing, not a number, outside its range, not an allowed value; or a malformed body.")
    .RespondsBodyLimits()
    .RespondsProblem(StatusCodes.Status503ServiceUnavailable, "No trained model is cached yet: the federation has not trained one, or the server does not answer.")
    .AddOpenApiOperationTransformer(PredictOpenApi.TransformAsync)
    .RequireApiKey("Predictions require the API key in the X-Api-Key header (RestHostOptions:RequireApiKeyForPredict).", services => services.GetRequiredService<IOptions<RestHostOptions>>().Value.RequireApiKeyForPredict)
    .DisableAntiforgery();

app.MapModelReports();

return await RestHostStartup.RunAsync(app, Console.Error);

static async Task<IResult> TrainAsync(HttpContext context, IOptions<RestHostOptions> options, HostSchema hostSchema, TrainingJobs jobs, bool? wait, CancellationToken cancellationToken)
{
    RestHostOptions settings = options.Value;
    (Dictionary<string, string?>? fields, IResult? bodyError) = await RequestFields.ReadAsync(context.Request, settings, cancellationToken);
    if (fields is null)
    {
        return bodyError!;
    }

    string? addr = fields.GetValueOrDefault("addr");
    if (DatasetPathResolver.CheckText(addr) is { } addrError)
    {
        return RequestFields.Invalid("addr", addrError);
    }

    // One job at a time, checked before the data set is even opened: a refused request costs no parsing.
    if (!jobs.TryReserve())
    {
        return Results.Problem(statusCode: 409, title: "Training is already running.", detail: "This host takes part in one training at a time: a job is running (follow it at /fl_train/{id}) or another /fl_train request is being checked.");
    }

    TrainingJob job;
    try
    {
        (CreditDataset? data, IResult? dataError) = LoadDataset(settings, hostSchema.Schema, addr!);
        if (data is null)
        {
            jobs.Release();
            return dataError!;
        }

        job = jobs.Start(Path.GetFileName(addr!), data);
    }
    catch
    {
        jobs.Release();
        throw;
    }

    if (wait == true)
    {
        await job.Completion.WaitAsync(cancellationToken);
        return job.Status switch
        {
            TrainingJobStatus.Succeeded => Results.Ok(job.Report),

            // Not a 200: a caller that reads the status code alone would take a run that trained nothing for a new model.
            TrainingJobStatus.NoRounds => Results.Problem(statusCode: 409, title: "No round was trained.", detail: job.Message, extensions: new Dictionary<string, object?> { ["job_status"] = "no_rounds", ["report"] = job.Report }),
            _ => Results.Problem(statusCode: 502, title: "Training failed.", detail: job.Message),
        };
    }

    return Results.Accepted($"/fl_train/{job.Id}", job);
}

static (CreditDataset? Data, IResult? Error) LoadDataset(RestHostOptions settings, FeatureSchema schema, string addr)
{
    (SafeFileHandle? handle, string? pathError) = DatasetPathResolver.Open(settings.DataRoot, addr, settings.MaxDatasetBytes);
    if (handle is null)
    {
        return (null, RequestFields.Invalid("addr", pathError!));
    }

    using var capped = new CappedReadStream(new FileStream(handle, FileAccess.Read, bufferSize: 64 * 1024), settings.MaxDatasetBytes);
    try
    {
        var load = new CsvLoadOptions { MaxRows = settings.MaxDatasetRows };
        foreach ((string header, string column) in settings.ColumnMapping)
        {
            load.ColumnMapping.Add(header, column);
        }

        CreditDataset data = DatasetLoader.LoadCsv(capped, schema, load);
        return capped.Exceeded ? (null, TooBig()) : (data, null);
    }
    catch (DatasetValidationException ex)
    {
        if (capped.Exceeded)
        {
            return (null, TooBig());
        }

        var errors = new Dictionary<string, string[]> { ["addr"] = [$"The data set does not fit the schema '{schema.Name}' (RestHostOptions:Schema{(settings.ColumnMapping.Count > 0 ? ", with RestHostOptions:ColumnMapping" : string.Empty)}): {ex.Problems.Count} problems."] };
        foreach (IGrouping<string, DataProblem> group in ex.Problems.GroupBy(p => p.Row > 0 ? $"row {p.Row}" + (p.Column is null ? string.Empty : $", {p.Column}") : p.Column ?? "file"))
        {
            errors[group.Key] = [.. group.Select(p => p.Value is null ? p.Reason : $"{p.Reason} (value '{p.Value}')")];
        }

        return (null, TypedResults.ValidationProblem(errors, title: "The data set does not fit the schema."));
    }
    catch (IOException)
    {
        return (null, RequestFields.Invalid("addr", "addr could not be read to the end."));
    }

    IResult TooBig() => RequestFields.Invalid("addr", $"addr grew past {settings.MaxDatasetBytes:N0} bytes while it was read (RestHostOptions:MaxDatasetBytes).");
}

static async Task<IResult> PredictAsync(HttpContext context, ModelCache models, PredictFields predictFields, IOptions<RestHostOptions> options, IOptions<CreditPredictorOptions> predictorOptions, CancellationToken cancellationToken)
{
    (Dictionary<string, string?>? fields, IResult? bodyError) = await RequestFields.ReadAsync(context.Request, options.Value, cancellationToken);
    if (fields is null)
    {
        return bodyError!;
    }

    (Applicant applicant, Dictionary<string, string[]> errors, List<string> assumptions, string[] fieldOfColumn) = predictFields.Parse(fields);

    // Validated against the schema whether or not a model is cached: a bad request is a 400 in every state.
    // Only the cache is read: a refresh happens in the background, so a prediction never waits on the network.
    CachedModel? current = models.Current;
    IReadOnlyDictionary<string, string[]> problems = current is null
        ? applicant.Validate(predictFields.Schema, predictorOptions.Value.AllowUnknownCategories)
        : current.Predictor.Validate(applicant);
    foreach ((string column, string[] messages) in problems)
    {
        int index = predictFields.Schema.Columns.ToList().FindIndex(c => c.Name == column);
        errors.TryAdd(index >= 0 ? fieldOfColumn[index] : column, messages);
    }

    if (errors.Count > 0)
    {
        return TypedResults.ValidationProblem(errors);
    }

    if (current is null)
    {
        ServerState server = models.Server;
        return server.Answers || server == ServerState.NotAskedYet
            ? Results.Problem(statusCode: 503, title: "No model yet.", detail: "The federation has not trained a model yet: run /fl_train first.")
            : Results.Problem(statusCode: 503, title: "No model yet.", detail: $"The host has no global model cached and the aggregation server does not answer: {server.Problem}");
    }

    CreditPrediction prediction = current.Predictor.Predict(applicant);
    GlobalModel model = current.Model;
    return Results.Ok(new PredictionResponse(
        prediction.ProbabilityGood,
        prediction.ProbabilityOfDefault,
        prediction.Label,
        Math.Round(prediction.Score, 1),
        [.. prediction.Reasons.Select(r => new ReasonView(r.Column, r.Value, Math.Round(r.PointsLost, 2)))],
        model.Version,
        model.EpsilonSpent,
        model.Delta,
        assumptions));
}

/// <summary>The <c>/fl_train</c> body (JSON or form).</summary>
/// <param name="Addr">The name of a CSV data set in the host's data folder.</param>
internal sealed record TrainRequest(string Addr);

