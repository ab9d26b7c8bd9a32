using System.Diagnostics;
using Azure;
using ScenarioEngine.Storage.Azure;
using ScenarioEngine.Testing;

namespace ScenarioEngine.Storage.Azure.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class QueueClientTests(AzuriteFixture azurite) : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    private CancellationToken Token => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task CreateIfNotExists_NewThenExisting_ReturnsTrueThenFalse()
    {
        var queue = new QueueClient(azurite.ConnectionString, AzuriteFixture.NewQueueName());

        Assert.True(await queue.CreateIfNotExistsAsync(Token));
        Assert.False(await queue.CreateIfNotExistsAsync(Token));
    }

    [Fact]
    public async Task SendReceiveDelete_TextWithXmlAndUnicode_RoundTripsAndDeletesOnce()
    {
        var queue = await NewQueueAsync();
        const string Text = "<event kind=\"purchase\">&amp; 'quoted' ]]> 日本語 🎉</event>";

        var receipt = await queue.SendMessageAsync(Text, cancellationToken: Token);
        var received = await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30), Token);
        var message = Assert.Single(received);
        var deleted = await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, Token);
        var deletedAgain = await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, Token);

        Assert.Equal(receipt.MessageId, message.MessageId);
        Assert.Equal(Text, message.Text);
        Assert.Equal(1, message.DequeueCount);
        Assert.InRange(message.InsertedOn, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.True(message.NextVisibleOn > DateTimeOffset.UtcNow.AddSeconds(10));
        Assert.Equal(QueueStatus.Ok, deleted);
        Assert.Equal(QueueStatus.NotFound, deletedAgain);
        Assert.Equal(0, await queue.GetApproximateMessageCountAsync(Token));
    }

    [Fact]
    public async Task SendMessage_VisibilityDelay_NotReceivedBeforeDelay()
    {
        var queue = await NewQueueAsync();
        var clock = Stopwatch.StartNew();

        await queue.SendMessageAsync("later", TimeSpan.FromSeconds(3), Token);
        var early = await queue.ReceiveMessagesAsync(32, cancellationToken: Token);
        var countWhileHidden = await queue.GetApproximateMessageCountAsync(Token);
        var late = await ReceiveEventuallyAsync(queue);

        Assert.Empty(early);
        Assert.Equal(1, countWhileHidden);
        Assert.Equal("later", late.Text);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2), $"received after {clock.Elapsed}");
    }

    [Fact]
    public async Task ReceiveMessages_ManyWaiting_ReturnsUpToMaxAndHidesThem()
    {
        var queue = await NewQueueAsync();
        for (var i = 0; i < 5; i++)
        {
            await queue.SendMessageAsync($"m{i}", cancellationToken: Token);
        }

        var first = await queue.ReceiveMessagesAsync(3, TimeSpan.FromSeconds(60), Token);
        var rest = await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(60), Token);
        var none = await queue.ReceiveMessagesAsync(32, cancellationToken: Token);

        Assert.Equal(3, first.Count);
        Assert.Equal(2, rest.Count);
        Assert.Empty(none);
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], first.Concat(rest).Select(m => m.Text).Order());
    }

    [Fact]
    public async Task UpdateVisibility_ZeroTimeout_MakesMessageVisibleWithNewPopReceipt()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("retry me", cancellationToken: Token);
        var held = Assert.Single(await queue.ReceiveMessagesAsync(1, TimeSpan.FromMinutes(5), Token));

        var updated = await queue.UpdateVisibilityAsync(held.MessageId, held.PopReceipt, TimeSpan.Zero, Token);
        var oldReceiptDelete = await queue.DeleteMessageAsync(held.MessageId, held.PopReceipt, Token);
        var again = Assert.Single(await queue.ReceiveMessagesAsync(1, TimeSpan.FromMinutes(5), Token));

        Assert.Equal(QueueStatus.Ok, updated.Status);
        Assert.NotNull(updated.PopReceipt);
        Assert.NotEqual(held.PopReceipt, updated.PopReceipt);
        Assert.Equal(QueueStatus.NotFound, oldReceiptDelete);
        Assert.Equal(held.MessageId, again.MessageId);
        Assert.Equal(2, again.DequeueCount);
        Assert.Equal(QueueStatus.Ok, await queue.DeleteMessageAsync(again.MessageId, again.PopReceipt, Token));
    }

    [Fact]
    public async Task UpdateVisibility_Extended_KeepsMessageHidden()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("long job", cancellationToken: Token);
        var held = Assert.Single(await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(1), Token));

        var extended = await queue.UpdateVisibilityAsync(held.MessageId, held.PopReceipt, TimeSpan.FromMinutes(10), Token);
        await Task.Delay(TimeSpan.FromSeconds(2), Token);
        var meanwhile = await queue.ReceiveMessagesAsync(32, cancellationToken: Token);

        Assert.Equal(QueueStatus.Ok, extended.Status);
        Assert.True(extended.NextVisibleOn > DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Empty(meanwhile);
        Assert.Equal(QueueStatus.Ok, await queue.DeleteMessageAsync(held.MessageId, extended.PopReceipt!, Token));
    }

    [Fact]
    public async Task UpdateVisibility_DeletedMessage_ReturnsNotFound()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("x", cancellationToken: Token);
        var held = Assert.Single(await queue.ReceiveMessagesAsync(1, cancellationToken: Token));
        await queue.DeleteMessageAsync(held.MessageId, held.PopReceipt, Token);

        var result = await queue.UpdateVisibilityAsync(held.MessageId, held.PopReceipt, TimeSpan.FromSeconds(10), Token);

        Assert.Equal(QueueStatus.NotFound, result.Status);
        Assert.Null(result.PopReceipt);
    }

    [Fact]
    public async Task GetApproximateMessageCount_AfterSendsAndClear_CountsThenZero()
    {
        var queue = await NewQueueAsync();
        for (var i = 0; i < 3; i++)
        {
            await queue.SendMessageAsync($"m{i}", cancellationToken: Token);
        }

        var before = await queue.GetApproximateMessageCountAsync(Token);
        await queue.ClearAsync(Token);
        var after = await queue.GetApproximateMessageCountAsync(Token);

        Assert.Equal(3, before);
        Assert.Equal(0, after);
        Assert.Empty(await queue.ReceiveMessagesAsync(32, cancellationToken: Token));
    }

    [Fact]
    public async Task ArgumentChecks_OutOfRange_Throw()
    {
        var queue = new QueueClient(azurite.ConnectionString, AzuriteFixture.NewQueueName());

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.ReceiveMessagesAsync(0, cancellationToken: Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.ReceiveMessagesAsync(33, cancellationToken: Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.SendMessageAsync("x", TimeSpan.FromDays(8), Token));
        await Assert.ThrowsAsync<ArgumentException>(() => queue.SendMessageAsync(new string('x', 50_000), cancellationToken: Token));
    }

    [Fact]
    public async Task AnyCall_WrongAccountKey_ThrowsRequestFailed403()
    {
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var queue = new QueueClient(azurite.QueueEndpoint, AzuriteFixture.AccountName, wrongKey, AzuriteFixture.NewQueueName());

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => queue.CreateIfNotExistsAsync(Token));

        Assert.Equal(403, error.Status);
        Assert.False(string.IsNullOrEmpty(error.ErrorCode));
    }

    [Fact]
    public async Task SendMessage_MissingQueue_ThrowsRequestFailedQueueNotFound()
    {
        var queue = new QueueClient(azurite.ConnectionString, AzuriteFixture.NewQueueName());

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => queue.SendMessageAsync("x", cancellationToken: Token));

        Assert.Equal(404, error.Status);
        Assert.Equal("QueueNotFound", error.ErrorCode);
    }

    private async Task<QueueMessage> ReceiveEventuallyAsync(QueueClient queue)
    {
        while (true)
        {
            var messages = await queue.ReceiveMessagesAsync(1, cancellationToken: Token);
            if (messages.Count > 0)
            {
                return messages[0];
            }

            await Task.Delay(200, Token);
        }
    }

    private async Task<QueueClient> NewQueueAsync()
    {
        var queue = new QueueClient(azurite.ConnectionString, AzuriteFixture.NewQueueName());
        await queue.CreateIfNotExistsAsync(Token);
        return queue;
    }
}
