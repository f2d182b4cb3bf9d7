-- CreateIndex
CREATE INDEX "channel_calls_skus_idx" ON "channel_calls" USING GIN ("skus");
